package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;

/**
 * Pointwise and layout ops as NVRTC kernels on batch-strided operands. Kernels rather than cudnnAddTensor/OpTensor
 * because these calls have no plan: cuDNN would need tensor descriptors built on the per-step path.
 */
final class CudaPointwise {
    private CudaPointwise() {}

    /** Elements per batch entry, as the kernels' index convention expects. */
    static long sample(Tensor t) {
        return t.rank() == 0 ? 1 : t.sampleSize();
    }

    /** The batch stride the kernels use; for a single batch entry the layout is contiguous by definition. */
    static long batchStride(Tensor t) {
        return t.rank() == 0 || t.dim(0) <= 1 ? sample(t) : t.batchStride();
    }

    private static void same(CudaContext ctx, String op, Tensor first, Tensor... others) {
        Operands.sameShaped(op, ctx.device, first, others);
    }

    static void fill(CudaContext ctx, Tensor t, float value) {
        if (t.dtype() == DType.INT32 || t.dtype() == DType.UINT8) {
            if (value != 0f || !t.isContiguous()) throw new IllegalArgumentException("fill of a " + t.describe() + " supports only 0 on contiguous tensors");
            ctx.cudart("cudaMemsetAsync", dev.jdnn.bindings.cudart.cudart_h.cudaMemsetAsync(Cudnn.ptr(t), 0, t.numel() * t.dtype().byteSize(), ctx.stream));
            return;
        }
        same(ctx, "fill", t);
        ctx.launch.elementwise(Kernel.FILL, t.numel(), t.numel(), sample(t), t, batchStride(t), value);
    }

    static void scale(CudaContext ctx, Tensor x, float factor) {
        same(ctx, "scale", x);
        ctx.launch.elementwise(Kernel.SCALE, x.numel(), x.numel(), sample(x), x, batchStride(x), factor);
    }

    static void addScaled(CudaContext ctx, float alpha, Tensor x, float beta, Tensor y) {
        same(ctx, "addScaled", x, y);
        ctx.launch.elementwise(Kernel.ADD_SCALED, x.numel(), x.numel(), sample(x), alpha, x, batchStride(x), beta, y, batchStride(y));
    }

    static void add(CudaContext ctx, Tensor a, Tensor b, Tensor c) {
        same(ctx, "add", a, b, c);
        ctx.launch.elementwise(Kernel.ADD, a.numel(), a.numel(), sample(a), a, batchStride(a), b, batchStride(b), c, batchStride(c));
    }

    private static Shape gateShape(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException("scaleChannels expects NCHW x, got " + x.describe());
        return Shape.of(x.dim(0), x.dim(1), 1, 1);
    }

    static void scaleChannels(CudaContext ctx, Tensor x, Tensor s, Tensor y) {
        same(ctx, "scaleChannels", x, y);
        Operands.batched("scaleChannels gate", s, gateShape(x), ctx.device);
        long hw = (long) x.dim(2) * x.dim(3);
        ctx.launch.elementwise(Kernel.SCALE_CHANNELS, x.numel(), x.numel(), sample(x), hw, x, batchStride(x), s, batchStride(s), y, batchStride(y));
    }

    static void scaleChannelsBackward(CudaContext ctx, Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds) {
        same(ctx, "scaleChannelsBackward", x, dy, dx);
        Operands.batched("scaleChannelsBackward gate", s, gateShape(x), ctx.device);
        long hw = (long) x.dim(2) * x.dim(3);
        if (dx != null) {
            ctx.launch.elementwise(Kernel.SCALE_CHANNELS_BACKWARD_DATA, x.numel(), x.numel(), sample(x), hw, dy, batchStride(dy),
                    s, batchStride(s), betaX, dx, batchStride(dx));
        }
        if (ds != null) {
            Operands.batched("scaleChannelsBackward gate gradient", ds, gateShape(x), ctx.device);
            ctx.launch.perBlock(Kernel.SCALE_CHANNELS_BACKWARD_SCALE, x.dim(0) * x.dim(1), hw, x.dim(1), x, batchStride(x),
                    dy, batchStride(dy), betaS, ds, batchStride(ds));
        }
    }

    static void channelShuffle(CudaContext ctx, Tensor x, int groups, Tensor y) {
        same(ctx, "channelShuffle", x, y);
        if (x.rank() != 4) throw new IllegalArgumentException("channelShuffle expects NCHW, got " + x.describe());
        if (groups <= 0 || x.dim(1) % groups != 0) throw new IllegalArgumentException("channelShuffle: groups=" + groups + " must divide channels=" + x.dim(1));
        if (x.buffer() == y.buffer() && x.offset() == y.offset()) throw new IllegalArgumentException("channelShuffle cannot run in place");
        ctx.launch.elementwise(Kernel.CHANNEL_SHUFFLE, x.numel(), x.numel(), x.dim(1), groups, (long) x.dim(2) * x.dim(3),
                x, batchStride(x), y, batchStride(y));
    }

    /** y[n, c, ...] += alpha * bias[c] for [N, C] or [N, C, H, W] y. */
    static void addBias(CudaContext ctx, Tensor y, Tensor bias, float alpha) {
        same(ctx, "addBias", y);
        if (y.rank() < 2) throw new IllegalArgumentException("addBias expects [N, C, ...], got " + y.describe());
        Operands.contiguous("addBias bias", bias, Shape.of(y.dim(1)), ctx.device);
        long inner = sample(y) / y.dim(1);
        ctx.launch.elementwise(Kernel.ADD_BIAS, y.numel(), y.numel(), sample(y), inner, y.dim(1), y, batchStride(y), bias, alpha);
    }

    /** db[c] = alpha * sum over all but dimension 1 of dy + beta * db. */
    static void biasGrad(CudaContext ctx, float alpha, Tensor dy, float beta, Tensor db) {
        same(ctx, "biasGrad", dy);
        Operands.contiguous("bias gradient", db, Shape.of(dy.dim(1)), ctx.device);
        long inner = sample(dy) / dy.dim(1);
        ctx.launch.perBlock(Kernel.BIAS_GRAD, dy.dim(1), (long) dy.dim(0), dy.dim(1), inner, alpha, dy, batchStride(dy), beta, db);
    }

    /** dst = src for any strides of rank <= 4, for 4-byte elements (float32, int32). */
    static void stridedCopy(CudaContext ctx, Tensor src, Tensor dst) {
        ctx.launch.elementwise(Kernel.STRIDED_COPY4, src.numel(), stridedCopyArgs(src, dst));
    }

    /** strided_copy4's arguments: the shape and both stride sets, padded to rank 4 with leading 1s. */
    static Object[] stridedCopyArgs(Tensor src, Tensor dst) {
        if (src.rank() > 4) throw new IllegalArgumentException("strided copy supports rank <= 4, got " + src.describe());
        if (src.dtype().byteSize() != 4 || dst.dtype() != src.dtype() || !dst.shape().equals(src.shape())) {
            throw new IllegalArgumentException("strided copy moves same-shaped 4-byte elements (float32, int32), got " + src.describe() + " to " + dst.describe());
        }
        long[] d = new long[]{1, 1, 1, 1}, s = new long[4], t = new long[4];
        int pad = 4 - src.rank();
        for (int i = 0; i < src.rank(); i++) {
            d[pad + i] = src.dim(i);
            s[pad + i] = src.stride(i);
            t[pad + i] = dst.stride(i);
        }
        return new Object[]{d[0], d[1], d[2], d[3], src, s[0], s[1], s[2], s[3], dst, t[0], t[1], t[2], t[3]};
    }
}
