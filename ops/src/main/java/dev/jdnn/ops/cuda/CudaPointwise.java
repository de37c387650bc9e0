package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Operands;

import static dev.jdnn.ops.cuda.KernelOperands.ref;

/**
 * Pointwise and layout ops as NVRTC kernels (pointwise.cu) on operands sharing one memory format — NCHW batch-strided
 * or NHWC pixel-strided — each float32, bfloat16 or float16, computed in float32 (see {@link KernelOperands}).
 * Kernels rather than cudnnAddTensor/OpTensor because these calls have no plan: cuDNN would need tensor descriptors
 * built on the per-step path.
 */
final class CudaPointwise {
    private CudaPointwise() {}

    /** The shared format of same-shaped operands (named {@code names} in messages), checked; then the walk over them. */
    static KernelOperands.Walk walk(CudaContext ctx, String op, String[] names, Tensor... operands) {
        return KernelOperands.walk(Operands.sameFormat(op, ctx.device, names, operands), operands);
    }

    private static String[] names(String... names) {
        return names;
    }

    static void fill(CudaContext ctx, Tensor t, float value) {
        if (t.dtype() == DType.INT32 || t.dtype() == DType.UINT8) {
            if (value != 0f || !t.isContiguous()) throw new IllegalArgumentException("fill of a " + t.describe() + " supports only 0 on contiguous tensors");
            ctx.cudart("cudaMemsetAsync", dev.jdnn.bindings.cudart.cudart_h.cudaMemsetAsync(Cudnn.ptr(t), 0, t.numel() * t.dtype().byteSize(), ctx.stream));
            return;
        }
        KernelOperands.Walk w = walk(ctx, "fill", names("t"), t);
        ctx.launch.elementwise(Kernel.FILL, w.count(), w, ref(t), value);
    }

    static void scale(CudaContext ctx, Tensor x, float factor) {
        KernelOperands.Walk w = walk(ctx, "scale", names("x"), x);
        ctx.launch.elementwise(Kernel.SCALE, w.count(), w, ref(x), factor);
    }

    /** y = alpha * x + beta * y, converting between the operands' dtypes. */
    static void addScaled(CudaContext ctx, float alpha, Tensor x, float beta, Tensor y) {
        KernelOperands.Walk w = walk(ctx, "addScaled", names("x", "y"), x, y);
        ctx.launch.elementwise(Kernel.ADD_SCALED, w.count(), w, alpha, ref(x), beta, ref(y));
    }

    /** y = alpha * x + beta * y over operands given as Refs on one walk: a scratch result into its destination. */
    static void addScaled(CudaContext ctx, KernelOperands.Walk w, float alpha, KernelOperands.Ref x, float beta, KernelOperands.Ref y) {
        ctx.launch.elementwise(Kernel.ADD_SCALED, w.count(), w, alpha, x, beta, y);
    }

    static void add(CudaContext ctx, Tensor a, Tensor b, Tensor c) {
        KernelOperands.Walk w = walk(ctx, "add", names("a", "b", "c"), a, b, c);
        ctx.launch.elementwise(Kernel.ADD, w.count(), w, ref(a), ref(b), ref(c));
    }

    private static Shape gateShape(Tensor x) {
        if (x.rank() != 4) throw new IllegalArgumentException("scaleChannels expects an NCHW-shaped x, got " + x.describe());
        return Shape.of(x.dim(0), x.dim(1), 1, 1);
    }

    /** A gate [N, C, 1, 1]: the same memory in either format, any float dtype. */
    private static Tensor gate(CudaContext ctx, String op, String name, Tensor s, Tensor x) {
        if (s == null) throw new IllegalArgumentException(op + " " + name + ": tensor is null");
        s.requireShape(gateShape(x), op + " " + name);
        Operands.sameFormat(op, ctx.device, names(name), s);
        return s;
    }

    static void scaleChannels(CudaContext ctx, Tensor x, Tensor s, Tensor y) {
        KernelOperands.Walk w = walk(ctx, "scaleChannels", names("x", "y"), x, y);
        gate(ctx, "scaleChannels", "s", s, x);
        ctx.launch.elementwise(Kernel.SCALE_CHANNELS, w.count(), w, ref(x), ref(s), ref(y));
    }

    static void scaleChannelsBackward(CudaContext ctx, Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds) {
        KernelOperands.Walk w = walk(ctx, "scaleChannelsBackward", names("x", "dy", "dx"), x, dy, dx);
        gate(ctx, "scaleChannelsBackward", "s", s, x);
        if (dx != null) ctx.launch.elementwise(Kernel.SCALE_CHANNELS_BACKWARD_DATA, w.count(), w, ref(dy), ref(s), betaX, ref(dx));
        if (ds != null) {
            gate(ctx, "scaleChannelsBackward", "ds", ds, x);
            ctx.launch.perBlock(Kernel.SCALE_CHANNELS_BACKWARD_SCALE, Math.toIntExact(w.n() * w.c()), w, ref(x), ref(dy), betaS, ref(ds));
        }
    }

    static void channelShuffle(CudaContext ctx, Tensor x, int groups, Tensor y) {
        KernelOperands.Walk w = walk(ctx, "channelShuffle", names("x", "y"), x, y);
        if (x.rank() != 4) throw new IllegalArgumentException("channelShuffle expects an NCHW-shaped tensor, got " + x.describe());
        if (groups <= 0 || x.dim(1) % groups != 0) throw new IllegalArgumentException("channelShuffle: groups=" + groups + " must divide channels=" + x.dim(1));
        if (x.buffer() == y.buffer() && x.offset() == y.offset()) throw new IllegalArgumentException("channelShuffle cannot run in place");
        ctx.launch.elementwise(Kernel.CHANNEL_SHUFFLE, w.count(), w, groups, ref(x), ref(y));
    }

    /** y[n, c, ...] += alpha * bias[c] for [N, C] or [N, C, H, W] y of any float dtype; the bias is float32 [C]. */
    static void addBias(CudaContext ctx, Tensor y, Tensor bias, float alpha) {
        KernelOperands.Walk w = walk(ctx, "addBias", names("y"), y);
        if (y.rank() < 2) throw new IllegalArgumentException("addBias expects [N, C, ...], got " + y.describe());
        Operands.contiguous("addBias bias", bias, Shape.of(y.dim(1)), ctx.device);
        if (y.rank() != 2 && y.rank() != 4) throw new IllegalArgumentException("addBias expects [N, C] or [N, C, H, W], got " + y.describe());
        ctx.launch.elementwise(Kernel.ADD_BIAS, w.count(), w, ref(y), bias, alpha);
    }

    /** y = act(x * scale[c] + bias[c]) over x and y in one format, any float dtypes; scale and bias float32 [C]. */
    static void scaleBiasActivation(CudaContext ctx, Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y) {
        MemoryFormat format = Operands.scaleBiasActivation(ctx.device, x, scale, bias, activation, y);
        ctx.launch.elementwise(Kernel.SCALE_BIAS_ACTIVATION, x.numel(), scaleBiasActivationArgs(format, x, scale, bias, activation, y));
    }

    /** scale_bias_activation's arguments (static, so they are checked against the source without a GPU). */
    static Object[] scaleBiasActivationArgs(MemoryFormat format, Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y) {
        return new Object[]{KernelOperands.walk(format, x, y), ref(x), scale, bias, activation == Activation.RELU ? 1 : 0, ref(y)};
    }

    /** db[c] = alpha * sum over all but dimension 1 of dy (any float dtype, accumulated in float32) + beta * db. */
    static void biasGrad(CudaContext ctx, float alpha, Tensor dy, float beta, Tensor db) {
        KernelOperands.Walk w = walk(ctx, "biasGrad", names("dy"), dy);
        Operands.contiguous("bias gradient", db, Shape.of(dy.dim(1)), ctx.device);
        ctx.launch.perBlock(Kernel.BIAS_GRAD, dy.dim(1), w, alpha, ref(dy), beta, db);
    }

    /** dst = src for any strides of rank <= 4, converting float32/bfloat16/float16 (same-type int32 copies too). */
    static void cast(CudaContext ctx, Tensor src, Tensor dst) {
        ctx.launch.elementwise(Kernel.CAST4, src.numel(), castArgs(src, dst));
    }

    /** cast4's arguments: the shape and both stride sets, padded to rank 4 with leading 1s, and both type codes. */
    static Object[] castArgs(Tensor src, Tensor dst) {
        if (src.rank() > 4) throw new IllegalArgumentException("cast and strided copies support rank <= 4, got " + src.describe());
        if (!dst.shape().equals(src.shape())) throw new IllegalArgumentException("cast: shapes differ, " + src.describe() + " to " + dst.describe());
        boolean floats = src.dtype().isFloatingPoint() && dst.dtype().isFloatingPoint();
        if (!floats && src.dtype() != dst.dtype()) {
            throw new IllegalArgumentException("cast converts between float32, bfloat16 and float16 (other types copy only to themselves), got "
                    + src.describe() + " to " + dst.describe());
        }
        long[] d = new long[]{1, 1, 1, 1}, s = new long[4], t = new long[4];
        int pad = 4 - src.rank();
        for (int i = 0; i < src.rank(); i++) {
            d[pad + i] = src.dim(i);
            s[pad + i] = src.stride(i);
            t[pad + i] = dst.stride(i);
        }
        return new Object[]{d[0], d[1], d[2], d[3], src, s[0], s[1], s[2], s[3], KernelOperands.typeCode(src.dtype()),
                dst, t[0], t[1], t[2], t[3], KernelOperands.typeCode(dst.dtype())};
    }
}
