package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.DropoutSpec;
import dev.jdnn.ops.DropoutStream;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Counter-based dropout as NVRTC kernels (dropout.cu), computing {@link DropoutStream}'s hash so the masks equal
 * CpuDropout's bit for bit. cuDNN's dropout is not used: its RNG state cannot be saved and restored, so a resumed
 * run could not continue its stream. The call counter is an 8-byte device buffer that the forward kernel reads and a
 * one-thread kernel then increments, which a recorded (CUDA graph) forward replays too. The mask is a byte per
 * element in the caller's reserve tensor.
 */
final class CudaDropout implements DropoutPlan {
    private final CudaContext ctx;
    private final DropoutSpec spec;
    private final float scale;
    private final int threshold;
    private final Tensor counter; // one i64: forward calls made

    CudaDropout(CudaContext ctx, DropoutSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        this.scale = spec.scale();
        this.threshold = spec.threshold();
        this.counter = ctx.scratch(8);
        try {
            seek(0);
        } catch (RuntimeException e) {
            counter.close();
            throw e;
        }
    }

    @Override
    public DropoutSpec spec() {
        return spec;
    }

    private Tensor reserve(Tensor r, String op) {
        if (r == null) throw new IllegalArgumentException(op + " needs a reserve tensor of " + reserveBytes() + " bytes, got null");
        r.requireDevice(ctx.device, op + " reserve");
        long available = r.buffer().byteSize() - r.offset() * r.dtype().byteSize();
        if (!r.isContiguous() || available < reserveBytes()) {
            throw new IllegalArgumentException(op + ": reserve must be a contiguous tensor of at least " + reserveBytes() + " bytes, got " + r.describe());
        }
        return r;
    }

    /** dropout_forward's arguments (static, so their kinds are checked against the source without a GPU). */
    static Object[] forwardArgs(Tensor x, Tensor y, Tensor mask, Tensor counter, long seed, int threshold, float scale) {
        return new Object[]{x.numel(), CudaPointwise.sample(x), x, CudaPointwise.batchStride(x), y, CudaPointwise.batchStride(y),
                mask, counter, seed, threshold, scale};
    }

    static Object[] backwardArgs(Tensor dy, Tensor dx, Tensor mask, float scale) {
        return new Object[]{dy.numel(), CudaPointwise.sample(dy), dy, CudaPointwise.batchStride(dy), dx, CudaPointwise.batchStride(dx), mask, scale};
    }

    @Override
    public void forward(Tensor x, Tensor y, Tensor reserve) {
        Operands.batched("dropout input", x, spec.shape(), ctx.device);
        Operands.batched("dropout output", y, spec.shape(), ctx.device);
        Tensor mask = reserve(reserve, "dropout");
        ctx.launch.elementwise(Kernel.DROPOUT_FORWARD, x.numel(), forwardArgs(x, y, mask, counter, spec.seed(), threshold, scale));
        ctx.launch.launch(Kernel.DROPOUT_ADVANCE, 1, 1, counter);
    }

    @Override
    public void backward(Tensor dy, Tensor dx, Tensor reserve) {
        Operands.batched("dropout output gradient", dy, spec.shape(), ctx.device);
        Operands.batched("dropout input gradient", dx, spec.shape(), ctx.device);
        Tensor mask = reserve(reserve, "dropout backward");
        ctx.launch.elementwise(Kernel.DROPOUT_BACKWARD, dy.numel(), backwardArgs(dy, dx, mask, scale));
    }

    /** Downloads the counter; synchronises. */
    @Override
    public long position() {
        ctx.ensureContext();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(ValueLayout.JAVA_LONG);
            ctx.cudart("cudaMemcpyAsync D2H (dropout stream position)",
                    cudart_h.cudaMemcpyAsync(host, Cudnn.ptr(counter), 8, cudart_h.cudaMemcpyDeviceToHost(), ctx.stream));
            ctx.synchronize();
            return host.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** Uploads the counter; synchronises, so the pageable source may go once this returns. */
    @Override
    public void seek(long position) {
        ctx.ensureContext();
        if (position < 0) throw new IllegalArgumentException("dropout stream position must be >= 0, got " + position);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(ValueLayout.JAVA_LONG);
            host.set(ValueLayout.JAVA_LONG, 0, position);
            ctx.cudart("cudaMemcpyAsync H2D (dropout stream seek)",
                    cudart_h.cudaMemcpyAsync(Cudnn.ptr(counter), host, 8, cudart_h.cudaMemcpyHostToDevice(), ctx.stream));
            ctx.synchronize();
        }
    }

    @Override
    public void close() {
        counter.close();
    }
}
