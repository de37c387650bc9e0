package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.cpu.HostTensors.Rows;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.Vec.L;
import static dev.jdnn.ops.cpu.Vec.S;

/**
 * Pointwise activations, y = alpha*f(x) + beta*y and dx = alpha*f'(x)*dy + beta*dx, with f and f' from
 * {@link ActivationKernels}. One vector loop covers each run, its last (masked) step the tail. Every element is read before it
 * is written, so x == y (in place) works.
 */
final class CpuActivations implements ActivationPlan {
    private final Activation kind;
    private final float param;
    private final Shape shape;

    CpuActivations(Activation kind, float param, Shape shape) {
        if (kind == null) throw new IllegalArgumentException("activation kind is null");
        this.kind = kind;
        this.param = param;
        this.shape = shape;
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
    public void forward(float alpha, Tensor x, float beta, Tensor y) {
        String op = "activation " + kind;
        HostTensors.batched(op + " x", x, shape);
        HostTensors.batched(op + " y", y, shape);
        Rows[] r = Rows.common(op, new String[] {"x", "y"}, x, y);
        Rows rx = r[0], ry = r[1];
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) -> {
            MemorySegment xs = rx.seg(), ys = ry.seg();
            long xo = rx.at(row), yo = ry.at(row);
            for (int i = from; i < to; i += L) {
                VectorMask<Float> m = Vec.tail(i, to);
                FloatVector old = beta == 0f ? null : Vec.load(ys, yo + i, m);
                Vec.store(forward(Vec.load(xs, xo + i, m), alpha, beta, old), ys, yo + i, m);
            }
        });
    }

    @Override
    public void backward(float alpha, Tensor x, Tensor y, Tensor dy, float beta, Tensor dx) {
        String op = "activation " + kind + " backward";
        HostTensors.batched(op + " x", x, shape);
        HostTensors.batched(op + " y", y, shape);
        HostTensors.batched(op + " dy", dy, shape);
        HostTensors.batched(op + " dx", dx, shape);
        Rows[] r = Rows.common(op, new String[] {"x", "y", "dy", "dx"}, x, y, dy, dx);
        Rows rx = r[0], ry = r[1], rg = r[2], rd = r[3];
        boolean needsY = ActivationKernels.usesOutput(kind);
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) -> {
            MemorySegment xs = rx.seg(), ys = ry.seg(), gs = rg.seg(), ds = rd.seg();
            long xo = rx.at(row), yo = ry.at(row), go = rg.at(row), dO = rd.at(row);
            for (int i = from; i < to; i += L) {
                VectorMask<Float> m = Vec.tail(i, to);
                FloatVector vy = needsY ? Vec.load(ys, yo + i, m) : null, old = beta == 0f ? null : Vec.load(ds, dO + i, m);
                Vec.store(backward(Vec.load(xs, xo + i, m), vy, Vec.load(gs, go + i, m), alpha, beta, old), ds, dO + i, m);
            }
        });
    }

    /** alpha*f(x) (+ beta*old). */
    private FloatVector forward(FloatVector x, float alpha, float beta, FloatVector old) {
        FloatVector v = ActivationKernels.apply(kind, param, x).mul(alpha);
        return beta == 0f ? v : old.fma(FloatVector.broadcast(S, beta), v);
    }

    /** alpha*f'(x)*dy (+ beta*old). */
    private FloatVector backward(FloatVector x, FloatVector y, FloatVector dy, float alpha, float beta, FloatVector old) {
        FloatVector v = ActivationKernels.derivative(kind, param, x, y).mul(dy).mul(alpha);
        return beta == 0f ? v : old.fma(FloatVector.broadcast(S, beta), v);
    }
}
