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
 * Pointwise activations, y = alpha*f(x) + beta*y and dx = alpha*f'(x)*dy + beta*dx. The piecewise-linear ones
 * (ReLU family, hard sigmoid/swish) have vector kernels; the transcendental ones use {@link ActivationMath} per element.
 * Every element is read before it is written, so x == y (in place) works.
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
            long xo = rx.at(row) + from, yo = ry.at(row) + from;
            int n = to - from, i = vectorForward(rx.seg(), xo, ry.seg(), yo, n, alpha, beta);
            for (; i < n; i++) {
                float v = alpha * ActivationMath.apply(kind, param, Vec.get(rx.seg(), xo + i));
                Vec.set(ry.seg(), yo + i, beta == 0f ? v : v + beta * Vec.get(ry.seg(), yo + i));
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
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) -> {
            long xo = rx.at(row) + from, yo = ry.at(row) + from, go = rg.at(row) + from, dO = rd.at(row) + from;
            int n = to - from, i = vectorBackward(rx.seg(), xo, rg.seg(), go, rd.seg(), dO, n, alpha, beta);
            for (; i < n; i++) {
                float d = ActivationMath.derivative(kind, param, Vec.get(rx.seg(), xo + i), Vec.get(ry.seg(), yo + i));
                float v = alpha * d * Vec.get(rg.seg(), go + i);
                Vec.set(rd.seg(), dO + i, beta == 0f ? v : v + beta * Vec.get(rd.seg(), dO + i));
            }
        });
    }

    /** Vector forward for the piecewise-linear kinds; returns how many leading elements it handled. */
    private int vectorForward(MemorySegment xs, long xo, MemorySegment ys, long yo, int n, float alpha, float beta) {
        if (!piecewiseLinear()) return 0;
        FloatVector va = FloatVector.broadcast(S, alpha), vbeta = FloatVector.broadcast(S, beta);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector v = apply(Vec.load(xs, xo + i)).mul(va);
            if (beta != 0f) v = Vec.load(ys, yo + i).fma(vbeta, v);
            Vec.store(v, ys, yo + i);
        }
        return i;
    }

    private int vectorBackward(MemorySegment xs, long xo, MemorySegment gs, long go, MemorySegment ds, long dO, int n, float alpha, float beta) {
        if (!piecewiseLinear()) return 0;
        FloatVector va = FloatVector.broadcast(S, alpha), vbeta = FloatVector.broadcast(S, beta);
        int i = 0;
        for (int up = S.loopBound(n); i < up; i += L) {
            FloatVector v = derivative(Vec.load(xs, xo + i)).mul(Vec.load(gs, go + i)).mul(va);
            if (beta != 0f) v = Vec.load(ds, dO + i).fma(vbeta, v);
            Vec.store(v, ds, dO + i);
        }
        return i;
    }

    private boolean piecewiseLinear() {
        return switch (kind) {
            case IDENTITY, RELU, RELU6, LEAKY_RELU, HARD_SIGMOID, HARD_SWISH -> true;
            default -> false;
        };
    }

    /** Vector versions of {@link ActivationMath}, same conventions. */
    private FloatVector apply(FloatVector x) {
        return switch (kind) {
            case IDENTITY -> x;
            case RELU -> x.max(0f);
            case RELU6 -> x.max(0f).min(6f);
            case LEAKY_RELU -> x.blend(x.mul(param), x.compare(jdk.incubator.vector.VectorOperators.LE, 0f));
            case HARD_SIGMOID -> x.add(3f).max(0f).min(6f).div(6f);
            case HARD_SWISH -> x.mul(x.add(3f).max(0f).min(6f)).div(6f);
            default -> throw new AssertionError(kind);
        };
    }

    private FloatVector derivative(FloatVector x) {
        FloatVector zero = FloatVector.zero(S), one = FloatVector.broadcast(S, 1f);
        return switch (kind) {
            case IDENTITY -> one;
            case RELU -> zero.blend(one, gt(x, 0f));
            case RELU6 -> zero.blend(one, gt(x, 0f).and(lt(x, 6f)));
            case LEAKY_RELU -> FloatVector.broadcast(S, param).blend(one, gt(x, 0f));
            case HARD_SIGMOID -> zero.blend(FloatVector.broadcast(S, 1f / 6f), gt(x, -3f).and(lt(x, 3f)));
            case HARD_SWISH -> x.div(3f).add(0.5f).blend(zero, lt(x, -3f)).blend(one, gt(x, 3f));
            default -> throw new AssertionError(kind);
        };
    }

    private static VectorMask<Float> gt(FloatVector x, float v) {
        return x.compare(jdk.incubator.vector.VectorOperators.GT, v);
    }

    private static VectorMask<Float> lt(FloatVector x, float v) {
        return x.compare(jdk.incubator.vector.VectorOperators.LT, v);
    }
}
