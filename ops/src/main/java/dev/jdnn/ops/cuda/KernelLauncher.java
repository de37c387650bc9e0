package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cuda.cuda_h;
import dev.jdnn.memory.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Launches NVRTC kernels on the backend's stream. Arguments are packed into one reusable native block (cuLaunchKernel
 * copies them at launch, so reuse is safe); a launcher belongs to one backend and is not thread-safe.
 * Argument kinds: Integer/Boolean → int, Long → long long, Float → float, Tensor → its device address,
 * null → a null pointer, int[] → a struct of ints (e.g. the pooling Geometry), {@link KernelOperands.Ref} and
 * {@link KernelOperands.Walk} → common.cuh's structs of those names.
 */
final class KernelLauncher implements AutoCloseable {
    static final int THREADS = 256;
    private static final int MAX_ARGS = 32;
    private static final int SLOT = 64; // bytes per argument slot: the largest struct passed by value fits
    /** Grid-stride kernels need no more blocks than this to fill an H100 many times over. */
    private static final long MAX_BLOCKS = 65_535;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment values = arena.allocate((long) SLOT * MAX_ARGS, 16);
    private final MemorySegment pointers = arena.allocate(ValueLayout.ADDRESS, MAX_ARGS);
    private final KernelCache cache;
    private final MemorySegment stream;
    private final LastOp lastOp;
    private final Runnable ensureContext;
    private final java.util.Set<Kernel> checked = new java.util.HashSet<>();

    KernelLauncher(KernelCache cache, MemorySegment stream, LastOp lastOp, Runnable ensureContext) {
        this.cache = cache;
        this.stream = stream;
        this.lastOp = lastOp;
        this.ensureContext = ensureContext;
        for (int i = 0; i < MAX_ARGS; i++) pointers.setAtIndex(ValueLayout.ADDRESS, i, values.asSlice((long) i * SLOT));
    }

    /** A grid-stride launch covering {@code work} elements. Nothing is launched when work is 0. */
    void elementwise(Kernel kernel, long work, Object... args) {
        if (work <= 0) return;
        long blocks = Math.min((work + THREADS - 1) / THREADS, MAX_BLOCKS);
        launch(kernel, (int) blocks, THREADS, args);
    }

    /** One block of {@code threads} per item (row, channel...): block reductions. */
    void perBlock(Kernel kernel, int blocks, Object... args) {
        if (blocks <= 0) return;
        launch(kernel, blocks, THREADS, args);
    }

    void launch(Kernel kernel, int blocks, int threads, Object... args) {
        String name = kernel.name();
        if (args.length > MAX_ARGS) throw new IllegalArgumentException(name + ": " + args.length + " arguments, at most " + MAX_ARGS);
        if (!checked.contains(kernel)) {
            KernelSignature.parse(KernelCache.source(kernel.file()), name).check(args);
            checked.add(kernel);
        }
        for (int i = 0; i < args.length; i++) pack(name, i, args[i]);
        ensureContext.run();
        MemorySegment fn = cache.function(kernel.file(), name);
        lastOp.set("kernel " + name);
        Check.driver(cuda_h.cuLaunchKernel(fn, blocks, 1, 1, threads, 1, 1, 0, stream, pointers, MemorySegment.NULL),
                "cuLaunchKernel(" + name + ", " + blocks + " blocks)");
    }

    private void pack(String kernel, int index, Object arg) {
        long off = (long) index * SLOT;
        switch (arg) {
            case null -> values.set(ValueLayout.JAVA_LONG, off, 0L);
            case Integer v -> values.set(ValueLayout.JAVA_INT, off, v);
            case Boolean v -> values.set(ValueLayout.JAVA_INT, off, v ? 1 : 0);
            case Long v -> values.set(ValueLayout.JAVA_LONG, off, v);
            case Float v -> values.set(ValueLayout.JAVA_FLOAT, off, v);
            case Tensor t -> values.set(ValueLayout.JAVA_LONG, off, t.address());
            case KernelOperands.Ref r -> r.pack(values, off);
            case KernelOperands.Walk w -> w.pack(values, off);
            case int[] struct -> {
                if (struct.length * 4L > SLOT) throw new IllegalArgumentException(kernel + ": struct argument of " + struct.length + " ints is too large");
                MemorySegment.copy(struct, 0, values, ValueLayout.JAVA_INT, off, struct.length);
            }
            default -> throw new IllegalArgumentException(kernel + ": unsupported kernel argument " + index + " of type " + arg.getClass().getName());
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
