package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.DropoutPlan;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * cuDNN dropout. The RNG states are allocated and seeded once per plan (cudnnSetDropoutDescriptor launches the
 * seeding kernel); every forward advances them. The mask lives in the caller's reserve tensor.
 */
final class CudaDropout implements DropoutPlan {
    private final CudaContext ctx;
    private final Shape shape;
    private final float probability;
    private final TensorDescriptors descs;
    private final MemorySegment dropout;
    private final Tensor states;
    private final long reserveBytes;

    CudaDropout(CudaContext ctx, Shape shape, float probability, long seed) {
        if (!(probability >= 0f && probability < 1f)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + probability);
        this.ctx = ctx;
        this.shape = shape;
        this.probability = probability;
        this.descs = new TensorDescriptors("dropout", shape, ctx.device);
        Tensor stateTensor = null;
        MemorySegment desc = MemorySegment.NULL;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
            Check.cudnn(cudnn_h.cudnnDropoutGetStatesSize(ctx.cudnn, size), "cudnnDropoutGetStatesSize");
            long stateBytes = size.get(ValueLayout.JAVA_LONG, 0);
            stateTensor = ctx.scratch(stateBytes);
            Check.cudnn(cudnn_h.cudnnDropoutGetReserveSpaceSize(descs.contiguous(), size), "cudnnDropoutGetReserveSpaceSize");
            this.reserveBytes = size.get(ValueLayout.JAVA_LONG, 0);
            desc = Cudnn.create(cudnn_h::cudnnCreateDropoutDescriptor, "cudnnCreateDropoutDescriptor");
            ctx.cudnn("cudnnSetDropoutDescriptor (seeding " + stateBytes + " bytes of RNG state)",
                    cudnn_h.cudnnSetDropoutDescriptor(desc, ctx.cudnn, probability, ptr(stateTensor), stateBytes, seed));
        } catch (RuntimeException e) {
            // Free what was built (the RNG states are device memory) before reporting the failure.
            if (!desc.equals(MemorySegment.NULL)) cudnn_h.cudnnDestroyDropoutDescriptor(desc);
            if (stateTensor != null) stateTensor.close();
            descs.close();
            throw e;
        }
        this.states = stateTensor;
        this.dropout = desc;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public float probability() {
        return probability;
    }

    @Override
    public long reserveBytes() {
        return reserveBytes;
    }

    private MemorySegment reserve(Tensor r) {
        if (r == null) throw new IllegalArgumentException("dropout needs a reserve tensor of " + reserveBytes + " bytes, got null");
        r.requireDevice(ctx.device, "dropout reserve");
        long available = r.buffer().byteSize() - r.offset() * r.dtype().byteSize();
        if (available < reserveBytes) throw new IllegalArgumentException("dropout reserve holds " + available + " bytes, needs " + reserveBytes);
        return ptr(r);
    }

    @Override
    public void forward(Tensor x, Tensor y, Tensor reserve) {
        ctx.cudnn("cudnnDropoutForward " + shape, cudnn_h.cudnnDropoutForward(ctx.cudnn, dropout, descs.of(x), ptr(x), descs.of(y), ptr(y),
                reserve(reserve), reserveBytes));
    }

    @Override
    public void backward(Tensor dy, Tensor dx, Tensor reserve) {
        ctx.cudnn("cudnnDropoutBackward " + shape, cudnn_h.cudnnDropoutBackward(ctx.cudnn, dropout, descs.of(dy), ptr(dy), descs.of(dx), ptr(dx),
                reserve(reserve), reserveBytes));
    }

    @Override
    public void close() {
        descs.close();
        cudnn_h.cudnnDestroyDropoutDescriptor(dropout);
        if (states != null) states.close();
    }
}
