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

    // ---- tensors ----

    /**
     * A tensor of logical shape {@code nchw} holding {@code values}, stored in {@code dtype} (rounded as
     * {@link dev.jdnn.memory.HalfFloats} does) and {@code layout}.
     */
    public Tensor tensor(Shape nchw, float[] values, DType dtype, MemoryFormat layout) {
        Shape storage = nchw.rank() == 4 ? layout.storageShape(nchw) : nchw;
        Tensor dense = scope.track(backend.allocate(storage, dtype));
        try (Tensor host = Tensor.allocate(HostAllocator.global(), storage, dtype)) {
            logical(host, nchw, layout).copyFrom(values);
            backend.copy(host, dense);
        }
        return logical(dense, nchw, layout);
    }

    /** An output tensor of {@code dtype} and {@code layout}, filled with NaN. */
    public Tensor output(Shape nchw, DType dtype, MemoryFormat layout) {
        float[] nan = new float[Math.toIntExact(nchw.numel())];
        Arrays.fill(nan, Float.NaN);
        return tensor(nchw, nan, dtype, layout);
    }

    /** A float32 [C] vector. */
    public Tensor vector(float[] values) {
        return tensor(Shape.of(values.length), values, DType.FLOAT32, MemoryFormat.NCHW);
    }

    /** A float32 [C] output vector filled with NaN. */
    public Tensor vectorOutput(int channels) {
        return output(Shape.of(channels), DType.FLOAT32, MemoryFormat.NCHW);
    }

    /** The values of a tensor made by {@link #tensor} or {@link #output}, as floats in logical NCHW order. */
    public float[] read(Tensor t) {
        MemoryFormat layout = t.memoryFormat();
        Shape storage = t.rank() == 4 ? layout.storageShape(t.shape()) : t.shape();
        try (Tensor host = Tensor.allocate(HostAllocator.global(), storage, t.dtype())) {
            backend.copy(t.asStrided(storage, storage.contiguousStrides(), 0), host);
            return logical(host, t.shape(), layout).toFloatArray();
        }
    }

    /** {@code dense} (densely packed in {@code layout}'s storage order) as a tensor of logical shape {@code shape}. */
    private static Tensor logical(Tensor dense, Shape shape, MemoryFormat layout) {
        return shape.rank() == 4 ? layout.view(dense, shape) : dense;
    }

    // ---- one call per pattern ----

    public float[] convBiasActivation(ConvBiasActivationPlan plan, float[] x, float[] w, float[] bias) {
        var s = plan.spec();
        var c = s.conv();
        Tensor y = output(c.outputShape(), s.dtype(), s.format());
        plan.forward(tensor(c.inputShape(), x, s.dtype(), s.format()), tensor(c.weightShape(), w, s.dtype(), s.format()),
                bias == null ? null : vector(bias), y);
        return read(y);
    }

    public record ConvStats(float[] y, float[] sum, float[] sqSum) {}

    /** scale and bias null unless the spec applies them to the input. */
    public ConvStats convStats(ConvStatsPlan plan, float[] x, float[] scale, float[] bias, float[] w) {
        var s = plan.spec();
        var c = s.conv();
        Tensor y = output(c.outputShape(), s.dtype(), s.format());
        Tensor sum = vectorOutput(c.outChannels()), sq = vectorOutput(c.outChannels());
        plan.forward(tensor(c.inputShape(), x, s.dtype(), s.format()), scale == null ? null : vector(scale), bias == null ? null : vector(bias),
                tensor(c.weightShape(), w, s.dtype(), s.format()), y, sum, sq);
        return new ConvStats(read(y), read(sum), read(sq));
    }

    public record BnFinalize(float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvStd, float[] eqScale, float[] eqBias) {}

    public BnFinalize bnFinalize(BnFinalizePlan plan, float[] sum, float[] sqSum, float[] gamma, float[] beta, float[] runningMean, float[] runningVar) {
        int c = plan.spec().channels();
        Tensor rm = vector(runningMean), rv = vector(runningVar);
        Tensor mean = vectorOutput(c), invStd = vectorOutput(c), scale = vectorOutput(c), shift = vectorOutput(c);
        plan.finalizeStatistics(vector(sum), vector(sqSum), vector(gamma), vector(beta), rm, rv, mean, invStd, scale, shift);
        return new BnFinalize(read(rm), read(rv), read(mean), read(invStd), read(scale), read(shift));
    }

    /** scale and bias null unless the spec recomputes the ReLU input from them. */
    public float[] dgradDrelu(DgradDreluPlan plan, float[] dy, float[] w, float[] reluInput, float[] scale, float[] bias) {
        var s = plan.spec();
        var c = s.conv();
        Tensor dx = output(c.inputShape(), s.dtype(), s.format());
        plan.backward(tensor(c.outputShape(), dy, s.dtype(), s.format()), tensor(c.weightShape(), w, s.dtype(), s.format()),
                tensor(c.inputShape(), reluInput, s.dtype(), s.format()), scale == null ? null : vector(scale), bias == null ? null : vector(bias),
                dx);
        return read(dx);
    }

    public record BnBackward(float[] dx, float[] dgamma, float[] dbeta) {}

    public BnBackward bnBackward(BnBackwardPlan plan, float[] x, float[] dy, float[] gamma, float[] saveMean, float[] saveInvStd) {
        var s = plan.spec();
        Shape shape = s.bn().shape();
        Tensor dx = output(shape, s.dtype(), s.format());
        Tensor dgamma = vectorOutput(s.bn().channels()), dbeta = vectorOutput(s.bn().channels());
        plan.backward(tensor(shape, x, s.dtype(), s.format()), tensor(shape, dy, s.dtype(), s.format()), vector(gamma), vector(saveMean),
                vector(saveInvStd), dx, dgamma, dbeta);
        return new BnBackward(read(dx), read(dgamma), read(dbeta));
    }

    @Override
    public void close() {
        scope.close();
    }
}
