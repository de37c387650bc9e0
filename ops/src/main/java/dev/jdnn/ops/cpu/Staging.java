package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * How the CPU backend computes on NHWC and half-precision operands: the float32 NCHW kernels run on scratch copies.
 * {@link #in} gives a kernel an input as float32 NCHW (the tensor itself when it already is: float32 and
 * batch-strided, so float32 NCHW calls copy nothing); {@link #out} gives it somewhere to write (scratch holding the
 * target's current values, for beta != 0), and {@link #commit} converts what was written back into the targets,
 * rounding to their dtype — exactly once, as the mixed-precision table requires. Scratch is freed on close. Correct
 * rather than fast: a half-precision or NHWC call converts its operands on every call.
 */
final class Staging implements AutoCloseable {
    private final List<Tensor> scratch = new ArrayList<>();
    private final List<Tensor[]> writeBacks = new ArrayList<>(); // {scratch, target}

    /** Whether the float32 NCHW kernels take {@code t} as it is. */
    static boolean isNative(Tensor t) {
        return t.dtype() == DType.FLOAT32 && t.isBatchStrided();
    }

    /** {@code t} as float32 NCHW: itself when native, else a converted copy; null stays null. */
    Tensor in(Tensor t) {
        if (t == null || isNative(t)) return t;
        Tensor copy = allocate(t);
        HostCast.copy(t, copy);
        return copy;
    }

    /**
     * Where a kernel writes {@code target}: itself when native, else float32 NCHW scratch that {@link #commit} copies
     * back, holding the target's current values when {@code keep} (the kernel blends them in, beta != 0).
     */
    Tensor out(Tensor target, boolean keep) {
        if (target == null || isNative(target)) return target;
        Tensor s = keep ? in(target) : allocate(target);
        writeBacks.add(new Tensor[] {s, target});
        return s;
    }

    /** Writes every {@link #out} scratch back into its target, rounded to the target's dtype. */
    void commit() {
        for (Tensor[] w : writeBacks) HostCast.copy(w[0], w[1]);
        writeBacks.clear();
    }

    private Tensor allocate(Tensor like) {
        Tensor t = Tensor.allocate(HostAllocator.global(), like.shape(), DType.FLOAT32);
        scratch.add(t);
        return t;
    }

    @Override
    public void close() {
        for (Tensor t : scratch) t.close();
        scratch.clear();
    }
}
