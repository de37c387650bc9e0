package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.SoftmaxPlan;
import dev.jdnn.ops.cpu.HostTensors.Rows;

import java.lang.foreign.MemorySegment;

/**
 * Softmax and log-softmax over dimension 1 of [N, C], shifted by the row maximum for stability.
 * Backward from y: softmax dx = y*(dy - Σ dy*y); log-softmax dx = dy - exp(y)*Σ dy. A bfloat16/float16 input is read
 * into float32 ({@link Staging}), y and dy are float32, and dx is rounded to the input's dtype.
 */
final class CpuSoftmax implements SoftmaxPlan {
    private final Shape shape;
    private final boolean log;
    private final OperandType input;

    CpuSoftmax(Shape shape, boolean log, DType inputDtype) {
        if (shape.rank() != 2) throw new IllegalArgumentException("softmax expects an [N, C] shape, got " + shape);
        this.shape = shape;
        this.log = log;
        this.input = OperandType.of(MemoryFormat.NCHW, inputDtype);
    }

    @Override
    public DType inputDtype() {
        return input.dtype();
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public boolean log() {
        return log;
    }

    @Override
    public void forward(Tensor x, Tensor y) {
        Operands.activation("softmax x", x, shape, input, Device.CPU);
        try (Staging s = new Staging()) {
            forward32(s.in(x), y);
        }
    }

    private void forward32(Tensor x, Tensor y) {
        Rows rx = Rows.perSample(HostTensors.batched("softmax x", x, shape)), ry = Rows.perSample(HostTensors.batched("softmax y", y, shape));
        int c = shape.dim(1);
        Runs.items(shape.dim(0), 4L * c, n -> {
            MemorySegment xs = rx.seg(), ys = ry.seg();
            long xo = rx.at(n), yo = ry.at(n);
            float max = rowMax(xs, xo, c);
            double sum = 0;
            for (int j = 0; j < c; j++) {
                float e = (float) Math.exp(Vec.get(xs, xo + j) - max);
                sum += e;
                if (!log) Vec.set(ys, yo + j, e);
            }
            if (log) {
                float shift = (float) (max + Math.log(sum));
                for (int j = 0; j < c; j++) Vec.set(ys, yo + j, Vec.get(xs, xo + j) - shift);
            } else {
                float inv = (float) (1 / sum);
                for (int j = 0; j < c; j++) Vec.set(ys, yo + j, Vec.get(ys, yo + j) * inv);
            }
        });
    }

    @Override
    public void backward(float alpha, Tensor y, Tensor dy, float beta, Tensor dx) {
        Operands.activation("softmax dx", dx, shape, input, Device.CPU);
        try (Staging s = new Staging()) {
            backward32(alpha, y, dy, beta, s.out(dx, beta != 0f));
            s.commit();
        }
    }

    private void backward32(float alpha, Tensor y, Tensor dy, float beta, Tensor dx) {
        Rows ry = Rows.perSample(HostTensors.batched("softmax y", y, shape));
        Rows rg = Rows.perSample(HostTensors.batched("softmax dy", dy, shape));
        Rows rd = Rows.perSample(HostTensors.batched("softmax dx", dx, shape));
        int c = shape.dim(1);
        Runs.items(shape.dim(0), 4L * c, n -> {
            long yo = ry.at(n), go = rg.at(n), dO = rd.at(n);
            double dot = 0;
            for (int j = 0; j < c; j++) dot += log ? Vec.get(rg.seg(), go + j) : (double) Vec.get(rg.seg(), go + j) * Vec.get(ry.seg(), yo + j);
            for (int j = 0; j < c; j++) {
                float yj = Vec.get(ry.seg(), yo + j), gj = Vec.get(rg.seg(), go + j);
                float g = log ? (float) (gj - Math.exp(yj) * dot) : (float) (yj * (gj - dot));
                float v = alpha * g;
                Vec.set(rd.seg(), dO + j, beta == 0f ? v : v + beta * Vec.get(rd.seg(), dO + j));
            }
        });
    }

    static float rowMax(MemorySegment xs, long xo, int c) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < c; j++) max = Math.max(max, Vec.get(xs, xo + j));
        return max;
    }
}
