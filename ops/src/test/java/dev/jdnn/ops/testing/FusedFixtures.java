package dev.jdnn.ops.testing;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.MemoryScope;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BnBackwardPlan;
import dev.jdnn.ops.BnFinalizePlan;
import dev.jdnn.ops.ConvBiasActivationPlan;
import dev.jdnn.ops.ConvStatsPlan;
import dev.jdnn.ops.DgradDreluPlan;
import dev.jdnn.ops.FusedPlan;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Runs the fused plans of any {@link Backend} from host arrays and returns host arrays, so one input can be checked
 * against float64 references (the CPU suite) or against the CPU's composition (the CUDA parity suite, in any dtype and
 * layout). Arrays are always float values in logical NCHW order (KCRS for filters); activations and weights are stored
 * in the plan's dtype (rounded to nearest even) and layout, per-channel vectors as float32. Outputs start as NaN, so a
 * plan that leaves part of an output unwritten fails. Everything allocated is freed on {@link #close()}.
 */
public final class FusedFixtures implements AutoCloseable {
    private final Backend backend;
    private final MemoryScope scope = new MemoryScope();

    public FusedFixtures(Backend backend) {
        this.backend = backend;
    }

    // ---- element types ----

    /** {@code v} rounded to {@code dtype} and back (round to nearest even), as a backend storing it in dtype sees it. */
    public static float round(float v, DType dtype) {
        return switch (dtype) {
            case FLOAT32 -> v;
            case FLOAT16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BFLOAT16 -> Float.intBitsToFloat(bfloat16Bits(v) << 16);
            default -> throw new IllegalArgumentException("not a floating-point activation type: " + dtype);
        };
    }

    public static float[] round(float[] v, DType dtype) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = round(v[i], dtype);
        return out;
    }

    private static int bfloat16Bits(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) return (bits >>> 16) | 0x40; // stays a (quiet) NaN
        return (bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16;
    }

    // ---- tensors ----

    /** A tensor of logical shape {@code nchw} holding {@code values}, stored in {@code dtype} and {@code layout}. */
    public Tensor tensor(Shape nchw, float[] values, DType dtype, MemoryFormat layout) {
        Shape storage = layout.storageShape(nchw);
        float[] ordered = layout == MemoryFormat.NCHW ? values : toNhwc(nchw, values);
        Tensor dense = scope.track(backend.allocate(storage, dtype));
        if (dtype == DType.FLOAT32) {
            backend.upload(ordered, dense);
        } else {
            try (Tensor host = Tensor.allocate(HostAllocator.global(), storage, dtype)) {
                MemorySegment s = host.hostSegment();
                for (int i = 0; i < ordered.length; i++) {
                    short bits = dtype == DType.FLOAT16 ? Float.floatToFloat16(ordered[i]) : (short) bfloat16Bits(ordered[i]);
                    s.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i, bits);
                }
                backend.copy(host, dense);
            }
        }
        return layout.view(dense, nchw);
    }

    /** An output tensor of {@code dtype} and {@code layout}, filled with NaN. */
    public Tensor output(Shape nchw, DType dtype, MemoryFormat layout) {
        float[] nan = new float[Math.toIntExact(nchw.numel())];
        Arrays.fill(nan, Float.NaN);
        return tensor(nchw, nan, dtype, layout);
    }

    /** A float32 [C] vector. */
    public Tensor vector(float[] values) {
        Tensor t = scope.track(backend.allocate(Shape.of(values.length), DType.FLOAT32));
        backend.upload(values, t);
        return t;
    }

    /** A float32 [C] output vector filled with NaN. */
    public Tensor vectorOutput(int channels) {
        float[] nan = new float[channels];
        Arrays.fill(nan, Float.NaN);
        return vector(nan);
    }

    /** The values of a tensor made by {@link #tensor} or {@link #output}, as floats in logical NCHW order. */
    public float[] read(Tensor t) {
        MemoryFormat layout = MemoryFormat.NHWC.isLayoutOf(t) && !MemoryFormat.NCHW.isLayoutOf(t) ? MemoryFormat.NHWC : MemoryFormat.NCHW;
        Shape storage = t.rank() == 4 ? layout.storageShape(t.shape()) : t.shape();
        Tensor dense = t.rank() == 4 ? t.asStrided(storage, storage.contiguousStrides(), 0) : t;
        float[] ordered;
        if (t.dtype() == DType.FLOAT32) {
            ordered = backend.download(dense);
        } else {
            ordered = new float[Math.toIntExact(t.numel())];
            try (Tensor host = Tensor.allocate(HostAllocator.global(), storage, t.dtype())) {
                backend.copy(dense, host);
                MemorySegment s = host.hostSegment();
                for (int i = 0; i < ordered.length; i++) {
                    short bits = s.getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED, i);
                    ordered[i] = t.dtype() == DType.FLOAT16 ? Float.float16ToFloat(bits) : Float.intBitsToFloat((bits & 0xFFFF) << 16);
                }
            }
        }
        return layout == MemoryFormat.NCHW ? ordered : fromNhwc(t.shape(), ordered);
    }

    private static float[] toNhwc(Shape s, float[] nchw) {
        int n = s.dim(0), c = s.dim(1), hw = s.dim(2) * s.dim(3);
        float[] out = new float[nchw.length];
        for (int i = 0; i < n; i++) for (int ch = 0; ch < c; ch++) for (int p = 0; p < hw; p++) out[(i * hw + p) * c + ch] = nchw[(i * c + ch) * hw + p];
        return out;
    }

    private static float[] fromNhwc(Shape s, float[] nhwc) {
        int n = s.dim(0), c = s.dim(1), hw = s.dim(2) * s.dim(3);
        float[] out = new float[nhwc.length];
        for (int i = 0; i < n; i++) for (int ch = 0; ch < c; ch++) for (int p = 0; p < hw; p++) out[(i * c + ch) * hw + p] = nhwc[(i * hw + p) * c + ch];
        return out;
    }

    private Tensor workspace(FusedPlan plan) {
        return plan.workspaceBytes() == 0 ? null : scope.track(backend.allocate(Shape.of(Math.toIntExact(plan.workspaceBytes())), DType.UINT8));
    }

    // ---- one call per pattern ----

    public float[] convBiasActivation(ConvBiasActivationPlan plan, float[] x, float[] w, float[] bias) {
        var s = plan.spec();
        var c = s.conv();
        Tensor y = output(c.outputShape(), s.dtype(), s.layout());
        plan.forward(tensor(c.inputShape(), x, s.dtype(), s.layout()), tensor(c.weightShape(), w, s.dtype(), s.layout()),
                bias == null ? null : vector(bias), y, workspace(plan));
        return read(y);
    }

    public record ConvStats(float[] y, float[] sum, float[] sqSum) {}

    /** scale and bias null unless the spec applies them to the input. */
    public ConvStats convStats(ConvStatsPlan plan, float[] x, float[] scale, float[] bias, float[] w) {
        var s = plan.spec();
        var c = s.conv();
        Tensor y = output(c.outputShape(), s.dtype(), s.layout());
        Tensor sum = vectorOutput(c.outChannels()), sq = vectorOutput(c.outChannels());
        plan.forward(tensor(c.inputShape(), x, s.dtype(), s.layout()), scale == null ? null : vector(scale), bias == null ? null : vector(bias),
                tensor(c.weightShape(), w, s.dtype(), s.layout()), y, sum, sq, workspace(plan));
        return new ConvStats(read(y), read(sum), read(sq));
    }

    public record BnFinalize(float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvStd, float[] eqScale, float[] eqBias) {}

    public BnFinalize bnFinalize(BnFinalizePlan plan, float[] sum, float[] sqSum, float[] gamma, float[] beta, float[] runningMean, float[] runningVar) {
        int c = plan.spec().channels();
        Tensor rm = vector(runningMean), rv = vector(runningVar);
        Tensor mean = vectorOutput(c), invStd = vectorOutput(c), scale = vectorOutput(c), shift = vectorOutput(c);
        plan.finalizeStatistics(vector(sum), vector(sqSum), vector(gamma), vector(beta), rm, rv, mean, invStd, scale, shift, workspace(plan));
        return new BnFinalize(read(rm), read(rv), read(mean), read(invStd), read(scale), read(shift));
    }

    /** scale and bias null unless the spec recomputes the ReLU input from them. */
    public float[] dgradDrelu(DgradDreluPlan plan, float[] dy, float[] w, float[] reluInput, float[] scale, float[] bias) {
        var s = plan.spec();
        var c = s.conv();
        Tensor dx = output(c.inputShape(), s.dtype(), s.layout());
        plan.backward(tensor(c.outputShape(), dy, s.dtype(), s.layout()), tensor(c.weightShape(), w, s.dtype(), s.layout()),
                tensor(c.inputShape(), reluInput, s.dtype(), s.layout()), scale == null ? null : vector(scale), bias == null ? null : vector(bias),
                dx, workspace(plan));
        return read(dx);
    }

    public record BnBackward(float[] dx, float[] dgamma, float[] dbeta) {}

    public BnBackward bnBackward(BnBackwardPlan plan, float[] x, float[] dy, float[] gamma, float[] saveMean, float[] saveInvStd) {
        var s = plan.spec();
        Shape shape = s.bn().shape();
        Tensor dx = output(shape, s.dtype(), s.layout());
        Tensor dgamma = vectorOutput(s.bn().channels()), dbeta = vectorOutput(s.bn().channels());
        plan.backward(tensor(shape, x, s.dtype(), s.layout()), tensor(shape, dy, s.dtype(), s.layout()), vector(gamma), vector(saveMean),
                vector(saveInvStd), dx, dgamma, dbeta, workspace(plan));
        return new BnBackward(read(dx), read(dgamma), read(dbeta));
    }

    @Override
    public void close() {
        scope.close();
    }
}
