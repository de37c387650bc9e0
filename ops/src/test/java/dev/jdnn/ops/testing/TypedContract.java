package dev.jdnn.ops.testing;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.ops.OperandType;

import org.junit.jupiter.params.Parameter;

import java.util.stream.Stream;

/**
 * A {@link BackendContract} run once per {@link OperandType} — {NCHW, NHWC} x {float32, bfloat16, float16}
 * ({@link #operandTypes()}), or per dtype for the 2-D contracts ({@link #dtypes()}) — with the operands its fixtures
 * make ({@link #fixtures()}) in that type. Each contract declares its {@code @ParameterizedClass} source (annotation
 * sources would add up along the class hierarchy); subclasses (the CPU tests, and the gpu-tagged CUDA ones) inherit
 * it.
 *
 * <p><b>Tolerances.</b> Inputs are stored rounded to the dtype, and the float64 references start from the stored
 * values ({@link #stored}), so input rounding costs nothing. What a half-precision result adds to the float32
 * tolerance of the same check is its own rounding, and that of any stored intermediate it was computed from: with
 * round-to-nearest-even each rounding errs by at most one unit roundoff u of the value (u = 2^-8 = 3.9e-3 for
 * bfloat16's 8-bit significand, 2^-11 = 4.9e-4 for float16's 11 bits), and the error measure ({@link Approx}) is
 * relative to the largest expected magnitude, so k roundings add at most k·u. {@link #stored(double, double)} is
 * {@code tol(fp32) + (k + extraRoundings()) · u}; each check states its k. Reductions accumulate in float32 in every
 * dtype, so the reduction length changes nothing beyond the float32 tolerance. Float32 results (statistics, weight
 * gradients, losses) keep the float32 tolerance.
 */
public abstract class TypedContract extends BackendContract {
    /** The operand type of this run. */
    @Parameter
    protected OperandType type;

    /** Every format and storage type: the parameters of the 4-D contracts. */
    public static Stream<OperandType> operandTypes() {
        return Stream.of(MemoryFormat.NCHW, MemoryFormat.NHWC)
                .flatMap(f -> Stream.of(DType.FLOAT32, DType.BFLOAT16, DType.FLOAT16).map(d -> OperandType.of(f, d)));
    }

    /** Every storage type, NCHW: the parameters of the 2-D contracts (which have no memory format). */
    public static Stream<OperandType> dtypes() {
        return Stream.of(DType.FLOAT32, DType.BFLOAT16, DType.FLOAT16).map(d -> OperandType.of(MemoryFormat.NCHW, d));
    }

    /** Fixtures making activations of this run's type. */
    protected BackendParityFixtures fixtures() {
        return new BackendParityFixtures(backend(), type);
    }

    /** {@code values} rounded to this run's dtype: what an activation tensor holds, and what references start from. */
    protected float[] stored(float[] values) {
        return dev.jdnn.memory.HalfFloats.quantize(type.dtype(), values);
    }

    /**
     * {@code n} values in [-1, 1] stored exactly in this run's dtype and all different (so a maximum has no ties, which
     * finite differences cannot differentiate); for float32 simply {@link Rand#uniform}.
     */
    protected float[] distinctStored(long seed, int n) {
        float[] v = Rand.uniform(seed, n);
        if (!isHalf()) return v;
        java.util.Set<Float> seen = new java.util.HashSet<>();
        java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            float q = dev.jdnn.memory.HalfFloats.quantize(type.dtype(), v[i]);
            while (!seen.add(q)) q = dev.jdnn.memory.HalfFloats.quantize(type.dtype(), (float) (r.nextDouble() * 2 - 1));
            v[i] = q;
        }
        return v;
    }

    protected boolean isHalf() {
        return type.dtype() != DType.FLOAT32;
    }

    /** Unit roundoff of a storage type: the largest relative error of one round-to-nearest. */
    public static double unitRoundoff(DType dtype) {
        return switch (dtype) {
            case BFLOAT16 -> 0x1p-8;
            case FLOAT16 -> 0x1p-11;
            default -> 0;
        };
    }

    /**
     * The tolerance of a result stored in this run's dtype: the float32 tolerance (scaled for the backend) plus
     * {@code roundings} unit roundoffs (see the class comment), and {@link #extraRoundings()}.
     */
    protected double stored(double fp32Tolerance, double roundings) {
        return tol(fp32Tolerance) + (roundings + extraRoundings()) * unitRoundoff(type.dtype());
    }

    /** The usual case: one rounding of the result, one of a stored intermediate (k = 2). */
    protected double stored(double fp32Tolerance) {
        return stored(fp32Tolerance, 2);
    }

    /**
     * Roundings a backend adds to the stated semantics (the CUDA backend: one, where cuDNN's legacy API rounds an
     * intermediate the CPU keeps in float32; see CudaConv2d). Zero for the CPU, which is the semantics.
     */
    protected double extraRoundings() {
        return 0;
    }
}
