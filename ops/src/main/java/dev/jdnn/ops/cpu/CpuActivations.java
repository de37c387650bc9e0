package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.cpu.HostTensors.Rows;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;

/**
 * Pointwise activations, y = alpha*f(x) + beta*y and dx = alpha*f'(x)*dy + beta*dx, with the vector loops of
 * {@link ActivationKernels}; the last few elements of a run go through {@link TailScratch}. Every element is read
 * before it is written, so x == y (in place) works. Float32 operands densely packed in NHWC run as they are (the
 * element order does not matter); other dtypes and pixel-strided views run on float32 NCHW copies ({@link Staging}).
 */
final class CpuActivations implements ActivationPlan {
    private final Activation kind;
    private final float param;
    private final Shape shape;
    private final OperandType operands;

    CpuActivations(Activation kind, float param, Shape shape, OperandType operands) {
        if (kind == null) throw new IllegalArgumentException("activation kind is null");
        java.util.Objects.requireNonNull(operands, "activation operand type").requireFits("activation " + kind, shape);
        this.kind = kind;
        this.param = param;
        this.shape = shape;
        this.operands = operands;
    }

    @Override
    public Activation kind() {
        return kind;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public OperandType operands() {
        return operands;
    }

    private void check(String what, Tensor t) {
        Operands.activation("activation " + kind + " " + what, t, shape, operands, Device.CPU);
    }

    @Override
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        check("x", x);
        check("y", y);
        if (HostTensors.Rows.sameDense(x, y)) {
            forward32(alpha, x, beta, y);
            return;
        }
        try (Staging s = new Staging()) {
            forward32(alpha, s.in(x), beta, s.out(y, beta != 0f));
            s.commit();
        }
    }

    private void forward32(float alpha, Tensor x, float beta, Tensor y) {
        String op = "activation " + kind;
        Rows[] r = Rows.common(op, new String[] {"x", "y"}, x, y);
        Rows rx = r[0], ry = r[1];
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) -> {
            long xo = rx.at(row) + from, yo = ry.at(row) + from;
            int full = S.loopBound(to - from), rest = to - from - full;
            ActivationKernels.forward(kind, param, rx.seg(), xo, ry.seg(), yo, full, alpha, beta);
            if (rest > 0) { // the tail, through one vector of scratch
                MemorySegment[] t = TailScratch.get();
                TailScratch.in(rx.seg(), xo + full, t[0], rest);
                if (beta != 0f) TailScratch.in(ry.seg(), yo + full, t[1], rest);
                ActivationKernels.forward(kind, param, t[0], 0, t[1], 0, L, alpha, beta);
                TailScratch.out(t[1], ry.seg(), yo + full, rest);
            }
        });
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        check("x", x);
        check("y", y);
        check("dy", dy);
        check("dx", dx);
        if (HostTensors.Rows.sameDense(x, y, dy, dx)) {
            backward32(alpha, x, y, dy, beta, dx);
            return;
        }
        try (Staging s = new Staging()) {
            backward32(alpha, s.in(x), s.in(y), s.in(dy), beta, s.out(dx, beta != 0f));
            s.commit();
        }
    }

    private void backward32(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        String op = "activation " + kind + " backward";
        Rows[] r = Rows.common(op, new String[] {"x", "y", "dy", "dx"}, x, y, dy, dx);
        Rows rx = r[0], ry = r[1], rg = r[2], rd = r[3];
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) -> {
            long xo = rx.at(row) + from, yo = ry.at(row) + from, go = rg.at(row) + from, dO = rd.at(row) + from;
            int full = S.loopBound(to - from), rest = to - from - full;
            ActivationKernels.backward(kind, param, rx.seg(), xo, ry.seg(), yo, rg.seg(), go, rd.seg(), dO, full, alpha, beta);
            if (rest > 0) { // the tail, through one vector of scratch
                MemorySegment[] t = TailScratch.get();
                TailScratch.in(rx.seg(), xo + full, t[0], rest);
                TailScratch.in(ry.seg(), yo + full, t[1], rest);
                TailScratch.in(rg.seg(), go + full, t[2], rest);
                if (beta != 0f) TailScratch.in(rd.seg(), dO + full, t[3], rest);
                ActivationKernels.backward(kind, param, t[0], 0, t[1], 0, t[2], 0, t[3], 0, L, alpha, beta);
                TailScratch.out(t[3], rd.seg(), dO + full, rest);
            }
        });
    }
}
