package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntConsumer;

/**
 * Convolution on the CPU. Depthwise convolutions (groups == inChannels) use {@link DepthwiseConv}'s direct loops;
 * everything else is lowered per sample and group to {@link CpuGemm} (weights [K/g, C/g*R*S] times the im2col
 * matrix [C/g*R*S, P*Q]). A 1x1, stride-1, unpadded convolution is already a GEMM on the input planes and skips
 * im2col entirely. Samples run in parallel, one slab per pool worker (each GEMM then runs serially inside its
 * worker); with fewer samples than workers the GEMMs parallelise themselves instead. Column buffers are per-thread
 * scratch ({@link ThreadScratch}), so {@link #workspaceBytes()} is 0.
 * Other formats and dtypes than float32 NCHW run the same kernels on float32 NCHW copies ({@link Staging}).
 */
public final class CpuConv2d implements Conv2dPlan {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final Conv2dSpec spec;
    private final int groups, kg, cg;
    private final long colRows, pixels, inPlane, weightsPerGroup;
    private final boolean pointwise;
    private final DepthwiseConv depthwise;

    CpuConv2d(Conv2dSpec spec) {
        this.spec = spec;
        this.groups = spec.groups();
        this.kg = spec.outChannels() / groups;
        this.cg = spec.inChannels() / groups;
        this.colRows = Im2col.rows(spec);
        this.pixels = Im2col.cols(spec);
        this.inPlane = (long) spec.height() * spec.width();
        this.weightsPerGroup = kg * colRows;
        this.pointwise = spec.kernelH() == 1 && spec.kernelW() == 1 && spec.strideH() == 1 && spec.strideW() == 1
                && spec.padH() == 0 && spec.padW() == 0;
        this.depthwise = DepthwiseConv.applies(spec) ? new DepthwiseConv(spec) : null;
    }

    /** A plan usable without a backend (benchmarks, tools); same as {@code CpuBackend.conv2d(spec)}. */
    public static CpuConv2d of(Conv2dSpec spec) {
        return new CpuConv2d(spec);
    }

    @Override public Conv2dSpec spec() { return spec; }

    @Override public long workspaceBytes() { return 0; }

    @Override
    public String implementation() {
        if (depthwise != null) return "depthwise: direct loops";
        return pointwise ? "1x1: GEMM on the input planes (no im2col)" : "im2col + GEMM";
    }

    @Override
    public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
        OperandType type = spec.operands();
        Operands.activation("conv2d input", x, spec.inputShape(), type, Device.CPU);
        Operands.weight("conv2d weight", w, spec.weightShape(), type, Device.CPU);
        if (bias != null) HostTensors.contiguous("conv2d bias", bias, spec.biasShape());
        Operands.activation("conv2d output", y, spec.outputShape(), type, Device.CPU);
        try (Staging s = new Staging()) {
            forward32(alpha, s.in(x), s.in(w), bias, beta, s.out(y, beta != 0f));
            s.commit();
        }
    }

    private void forward32(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
        HostTensors.batched("conv2d input", x, spec.inputShape());
        HostTensors.contiguous("conv2d weight", w, spec.weightShape());
        HostTensors.batched("conv2d output", y, spec.outputShape());
        MemorySegment xs = x.hostSegment(), ws = w.hostSegment(), ys = y.hostSegment();
        MemorySegment bs = bias == null ? null : bias.hostSegment();
        long xStride = HostTensors.sampleStride(x), yStride = HostTensors.sampleStride(y);
        if (depthwise != null) {
            depthwise.forward(alpha, planes(xs, xStride, inPlane), ws, bs, beta, planes(ys, yStride, pixels));
            return;
        }
        forSamples(n -> {
            for (int g = 0; g < groups; g++) {
                long xOff = n * xStride + g * cg * inPlane, yOff = n * yStride + g * kg * pixels;
                MemorySegment b = columns(xs, xOff);
                long bOff = pointwise ? xOff : 0;
                CpuGemm.sgemm(false, false, kg, (int) pixels, (int) colRows, alpha, ws, g * weightsPerGroup, colRows,
                        b, bOff, pixels, beta, ys, yOff, pixels);
                if (bs != null) {
                    for (int k = 0; k < kg; k++) addConstant(ys, yOff + k * pixels, pixels, alpha * bs.getAtIndex(F32, g * kg + k));
                }
            }
        });
    }

    @Override
    public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
        OperandType type = spec.operands();
        Operands.activation("conv2d output gradient", dy, spec.outputShape(), type, Device.CPU);
        Operands.weight("conv2d weight", w, spec.weightShape(), type, Device.CPU);
        Operands.activation("conv2d input gradient", dx, spec.inputShape(), type, Device.CPU);
        try (Staging s = new Staging()) {
            backwardData32(alpha, s.in(dy), s.in(w), beta, s.out(dx, beta != 0f));
            s.commit();
        }
    }

    private void backwardData32(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
        HostTensors.batched("conv2d output gradient", dy, spec.outputShape());
        HostTensors.contiguous("conv2d weight", w, spec.weightShape());
        HostTensors.batched("conv2d input gradient", dx, spec.inputShape());
        MemorySegment gs = dy.hostSegment(), ws = w.hostSegment(), dxs = dx.hostSegment();
        long gStride = HostTensors.sampleStride(dy), dxStride = HostTensors.sampleStride(dx);
        if (depthwise != null) {
            depthwise.backwardData(alpha, planes(gs, gStride, pixels), ws, beta, planes(dxs, dxStride, inPlane));
            return;
        }
        forSamples(n -> {
            for (int g = 0; g < groups; g++) {
                long gOff = n * gStride + g * kg * pixels, dxOff = n * dxStride + g * cg * inPlane;
                if (pointwise) { // dx_g = alpha * W_g^T dy_g + beta * dx_g, straight into dx
                    CpuGemm.sgemm(true, false, (int) colRows, (int) pixels, kg, alpha, ws, g * weightsPerGroup, colRows,
                            gs, gOff, pixels, beta, dxs, dxOff, pixels);
                    continue;
                }
                MemorySegment col = ThreadScratch.floats(ThreadScratch.COLUMNS, colRows * pixels);
                CpuGemm.sgemm(true, false, (int) colRows, (int) pixels, kg, 1f, ws, g * weightsPerGroup, colRows,
                        gs, gOff, pixels, 0f, col, 0, pixels);
                scale(dxs, dxOff, cg * inPlane, beta);
                Im2col.scatterAdd(spec, col, alpha, dxs, dxOff);
            }
        });
    }

    @Override
    public void backwardFilter(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
        OperandType type = spec.operands();
        Operands.activation("conv2d input", x, spec.inputShape(), type, Device.CPU);
        Operands.activation("conv2d output gradient", dy, spec.outputShape(), type, Device.CPU);
        Operands.weightGradient("conv2d weight gradient", dw, spec.weightShape(), type, Device.CPU);
        try (Staging s = new Staging()) {
            backwardFilter32(alpha, s.in(x), s.in(dy), beta, s.out(dw, beta != 0f));
            s.commit();
        }
    }

    private void backwardFilter32(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
        HostTensors.batched("conv2d input", x, spec.inputShape());
        HostTensors.batched("conv2d output gradient", dy, spec.outputShape());
        HostTensors.contiguous("conv2d weight gradient", dw, spec.weightShape());
        MemorySegment xs = x.hostSegment(), gs = dy.hostSegment(), dws = dw.hostSegment();
        long xStride = HostTensors.sampleStride(x), gStride = HostTensors.sampleStride(dy);
        if (depthwise != null) {
            depthwise.backwardFilter(alpha, planes(xs, xStride, inPlane), planes(gs, gStride, pixels), beta, dws);
            return;
        }
        // Each slab of samples sums its dW into its own partial buffer (owned by this calling thread, which waits
        // while the workers fill them); the partials are then combined once into dw with alpha and beta.
        long size = spec.outChannels() * colRows;
        int slabs = Math.min(Parallel.threads(), spec.batch());
        MemorySegment partials = ThreadScratch.floats(ThreadScratch.PARTIALS, slabs * size);
        Parallel.forEach(slabs, slab -> {
            int n0 = (int) ((long) spec.batch() * slab / slabs), n1 = (int) ((long) spec.batch() * (slab + 1) / slabs);
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < groups; g++) {
                    long xOff = n * xStride + g * cg * inPlane, gOff = n * gStride + g * kg * pixels;
                    MemorySegment b = columns(xs, xOff);
                    long bOff = pointwise ? xOff : 0;
                    // partial_g (kg x colRows) (+)= dy_g (kg x pixels) * col^T (pixels x colRows)
                    CpuGemm.sgemm(false, true, kg, (int) colRows, (int) pixels, 1f, gs, gOff, pixels, b, bOff, pixels,
                            n == n0 ? 0f : 1f, partials, slab * size + g * weightsPerGroup, colRows);
                }
            }
        });
        for (long i = 0; i < size; i++) {
            float sum = 0f;
            for (int slab = 0; slab < slabs; slab++) sum += partials.getAtIndex(F32, slab * size + i);
            float v = alpha * sum;
            dws.setAtIndex(F32, i, beta == 0f ? v : v + beta * dws.getAtIndex(F32, i));
        }
    }

    @Override
    public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
        Operands.activation("conv2d output gradient", dy, spec.outputShape(), spec.operands(), Device.CPU);
        try (Staging s = new Staging()) {
            backwardBias32(alpha, s.in(dy), beta, db);
        }
    }

    private void backwardBias32(float alpha, Tensor dy, float beta, Tensor db) {
        HostTensors.batched("conv2d output gradient", dy, spec.outputShape());
        HostTensors.contiguous("conv2d bias gradient", db, spec.biasShape());
        MemorySegment gs = dy.hostSegment(), dbs = db.hostSegment();
        long gStride = HostTensors.sampleStride(dy);
        Parallel.forEach(spec.outChannels(), k -> {
            double sum = 0;
            for (int n = 0; n < spec.batch(); n++) {
                long base = n * gStride + k * pixels;
                float plane = 0f;
                for (long i = 0; i < pixels; i++) plane += gs.getAtIndex(F32, base + i);
                sum += plane;
            }
            float v = alpha * (float) sum;
            dbs.setAtIndex(F32, k, beta == 0f ? v : v + beta * dbs.getAtIndex(F32, k));
        });
    }

    /**
     * The GEMM's column operand for the sample/group at element {@code xOff} of x: x itself for a 1x1 stride-1 conv
     * (read at {@code xOff}), else its im2col columns gathered into this thread's scratch (read at 0).
     */
    private MemorySegment columns(MemorySegment xs, long xOff) {
        if (pointwise) return xs;
        MemorySegment col = ThreadScratch.floats(ThreadScratch.COLUMNS, colRows * pixels);
        Im2col.gather(spec, xs, xOff, col);
        return col;
    }

    /**
     * Runs body for every sample: in parallel over samples when there are at least as many samples as workers
     * (each worker's GEMMs then run serially), else sequentially so each GEMM can use all workers.
     */
    private void forSamples(IntConsumer body) {
        if (spec.batch() >= Parallel.threads()) {
            Parallel.forEach(spec.batch(), body);
        } else {
            for (int n = 0; n < spec.batch(); n++) body.accept(n);
        }
    }

    private static DepthwiseConv.Planes planes(MemorySegment seg, long sampleStride, long plane) {
        return new DepthwiseConv.Planes(seg, sampleStride, plane);
    }

    private static void addConstant(MemorySegment seg, long from, long count, float value) {
        if (value == 0f) return;
        for (long i = from; i < from + count; i++) seg.setAtIndex(F32, i, seg.getAtIndex(F32, i) + value);
    }

    /** seg[from .. from+count) *= beta; beta == 0 writes zeros without reading (old contents may be NaN). */
    private static void scale(MemorySegment seg, long from, long count, float beta) {
        if (beta == 0f) {
            seg.asSlice(from * Float.BYTES, count * Float.BYTES).fill((byte) 0);
        } else if (beta != 1f) {
            for (long i = from; i < from + count; i++) seg.setAtIndex(F32, i, beta * seg.getAtIndex(F32, i));
        }
    }
}
