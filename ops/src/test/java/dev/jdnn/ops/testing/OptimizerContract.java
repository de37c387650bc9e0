package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Three optimizer steps against torch.optim's update rules spelled out in float64 here. Sizes are odd (vector
 * tails), and one is large enough to be split across threads. Plus the guard of a recorded update
 * ({@code finiteFlag}) and the step-scalar updates skipping a step whose apply flag it cleared.
 * Backend-independent (see {@link BackendContract}).
 */
public abstract class OptimizerContract extends BackendContract {
    protected static final int STEPS = 3;

    static Stream<OptimizerConfig.Sgd> sgdConfigs() {
        return Stream.of(
                new OptimizerConfig.Sgd(0.1f, 0f, 0f, 0f, false),
                new OptimizerConfig.Sgd(0.05f, 0.9f, 0.1f, 0.01f, false),
                new OptimizerConfig.Sgd(0.05f, 0.9f, 0f, 5e-4f, true));
    }

    @ParameterizedTest
    @MethodSource("sgdConfigs")
    public void sgdMatchesTorchRule(OptimizerConfig.Sgd cfg) {
        for (int size : new int[] {1037, 70_001}) {
            float[] p0 = Rand.uniform(81, size);
            float[][] grads = grads(size);
            double[] p = Rand.toDouble(p0), buf = new double[size];
            for (int t = 0; t < STEPS; t++) {
                for (int i = 0; i < size; i++) {
                    double d = grads[t][i] + cfg.weightDecay() * p[i];
                    if (cfg.momentum() != 0) {
                        buf[i] = t == 0 ? d : cfg.momentum() * buf[i] + (1 - cfg.dampening()) * d;
                        d = cfg.nesterov() ? d + cfg.momentum() * buf[i] : buf[i];
                    }
                    p[i] -= cfg.lr() * d;
                }
            }
            try (var f = new BackendParityFixtures(backend())) {
                Shape s = Shape.of(size);
                Tensor param = f.tensor(s, p0), momentum = cfg.momentum() == 0 ? null : f.output(s, false);
                for (int t = 0; t < STEPS; t++) f.backend().sgdStep(param, f.tensor(s, grads[t]), momentum, cfg, t == 0);
                assertClose(cfg + " param", p, f.get(param), tol(1e-6));
                if (momentum != null) assertClose(cfg + " momentum buffer", buf, f.get(momentum), tol(1e-6));
            }
        }
    }

    static Stream<OptimizerConfig.Adam> adamConfigs() {
        return Stream.of(
                new OptimizerConfig.Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0f, false, false),
                new OptimizerConfig.Adam(1e-2f, 0.8f, 0.99f, 1e-6f, 0.1f, false, false),   // Adam, L2 decay into the gradient
                new OptimizerConfig.Adam(1e-2f, 0.9f, 0.999f, 1e-8f, 0.05f, true, false),  // AdamW, decoupled
                new OptimizerConfig.Adam(1e-2f, 0.9f, 0.99f, 1e-8f, 0.01f, true, true));   // AdamW + amsgrad
    }

    @ParameterizedTest
    @MethodSource("adamConfigs")
    public void adamMatchesTorchRule(OptimizerConfig.Adam cfg) {
        for (int size : new int[] {1037, 70_001}) {
            float[] p0 = Rand.uniform(82, size);
            float[][] grads = grads(size);
            double[] p = Rand.toDouble(p0), m = new double[size], v = new double[size], vmax = new double[size];
            for (int t = 1; t <= STEPS; t++) {
                double bc1 = 1 - Math.pow(cfg.beta1(), t), bc2 = 1 - Math.pow(cfg.beta2(), t);
                for (int i = 0; i < size; i++) {
                    double g = grads[t - 1][i];
                    if (cfg.decoupled()) p[i] *= 1 - (double) cfg.lr() * cfg.weightDecay();
                    else g += cfg.weightDecay() * p[i];
                    m[i] = cfg.beta1() * m[i] + (1 - cfg.beta1()) * g;
                    v[i] = cfg.beta2() * v[i] + (1 - cfg.beta2()) * g * g;
                    vmax[i] = Math.max(vmax[i], v[i]);
                    double second = cfg.amsgrad() ? vmax[i] : v[i];
                    p[i] -= cfg.lr() / bc1 * m[i] / (Math.sqrt(second) / Math.sqrt(bc2) + cfg.eps());
                }
            }
            try (var f = new BackendParityFixtures(backend())) {
                Shape s = Shape.of(size);
                float[] zeros = new float[size];
                Tensor param = f.tensor(s, p0), tm = f.tensor(s, zeros), tv = f.tensor(s, zeros), tmax = cfg.amsgrad() ? f.tensor(s, zeros) : null;
                for (int t = 1; t <= STEPS; t++) f.backend().adamStep(param, f.tensor(s, grads[t - 1]), tm, tv, tmax, cfg, t);
                assertClose(cfg + " param", p, f.get(param), tol(1e-6));
                assertClose(cfg + " exp_avg", m, f.get(tm), tol(1e-6));
                assertClose(cfg + " exp_avg_sq", v, f.get(tv), tol(1e-6));
                if (tmax != null) assertClose(cfg + " max_exp_avg_sq", vmax, f.get(tmax), tol(1e-6));
            }
        }
    }

    /**
     * Whether the updates reading their per-step scalars from a tensor ({@link OptimizerScalars}) must equal the
     * host-scalar ones bit for bit: true where both run the same code on the same values (the CPU); a backend whose
     * kernels the compiler may contract differently compares within a tight tolerance instead.
     */
    protected boolean stepScalarsBitExact() {
        return true;
    }

    /** The learning rate of step t (0-based) of the step-scalar comparisons: it changes every step, as a schedule's does. */
    private static float lrAt(float lr, int t) {
        return lr / (1 + 0.7f * t);
    }

    @ParameterizedTest
    @MethodSource("sgdConfigs")
    public void sgdWithStepScalarsEqualsHostScalars(OptimizerConfig.Sgd cfg) {
        var fixed = new OptimizerConfig.Sgd(0f, cfg.momentum(), cfg.dampening(), cfg.weightDecay(), cfg.nesterov());
        for (int size : new int[] {1037, 70_001}) {
            float[] p0 = Rand.uniform(83, size);
            float[][] grads = grads(size);
            try (var f = new BackendParityFixtures(backend())) {
                Shape s = Shape.of(size);
                Tensor pa = f.tensor(s, p0), pb = f.tensor(s, p0);
                Tensor ba = cfg.momentum() == 0 ? null : f.output(s, false), bb = cfg.momentum() == 0 ? null : f.output(s, false);
                Tensor scalars = f.output(Shape.of(OptimizerScalars.SGD_LENGTH), false);
                float[] host = new float[OptimizerScalars.SGD_LENGTH];
                for (int t = 0; t < STEPS; t++) {
                    Tensor g = f.tensor(s, grads[t]);
                    float lr = lrAt(cfg.lr(), t);
                    f.backend().sgdStep(pa, g, ba, new OptimizerConfig.Sgd(lr, cfg.momentum(), cfg.dampening(), cfg.weightDecay(), cfg.nesterov()), t == 0);
                    OptimizerScalars.sgd(host, 0, lr, t == 0);
                    f.backend().upload(host, scalars);
                    f.backend().sgdStep(pb, g, bb, fixed, scalars);
                }
                same(cfg + " param", f.get(pa), f.get(pb));
                if (ba != null) same(cfg + " momentum buffer", f.get(ba), f.get(bb));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("adamConfigs")
    public void adamWithStepScalarsEqualsHostScalars(OptimizerConfig.Adam cfg) {
        var fixed = new OptimizerConfig.Adam(0f, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(), cfg.decoupled(), cfg.amsgrad());
        for (int size : new int[] {1037, 70_001}) {
            float[] p0 = Rand.uniform(84, size);
            float[][] grads = grads(size);
            try (var f = new BackendParityFixtures(backend())) {
                Shape s = Shape.of(size);
                float[] zeros = new float[size];
                Tensor pa = f.tensor(s, p0), ma = f.tensor(s, zeros), va = f.tensor(s, zeros), xa = cfg.amsgrad() ? f.tensor(s, zeros) : null;
                Tensor pb = f.tensor(s, p0), mb = f.tensor(s, zeros), vb = f.tensor(s, zeros), xb = cfg.amsgrad() ? f.tensor(s, zeros) : null;
                Tensor scalars = f.output(Shape.of(OptimizerScalars.ADAM_LENGTH), false);
                float[] host = new float[OptimizerScalars.ADAM_LENGTH];
                for (int t = 1; t <= STEPS; t++) {
                    Tensor g = f.tensor(s, grads[t - 1]);
                    float lr = lrAt(cfg.lr(), t - 1);
                    var withLr = new OptimizerConfig.Adam(lr, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(), cfg.decoupled(), cfg.amsgrad());
                    f.backend().adamStep(pa, g, ma, va, xa, withLr, t);
                    OptimizerScalars.adam(host, 0, lr, cfg.beta1(), cfg.beta2(), t);
                    f.backend().upload(host, scalars);
                    f.backend().adamStep(pb, g, mb, vb, xb, fixed, scalars);
                }
                same(cfg + " param", f.get(pa), f.get(pb));
                same(cfg + " exp_avg", f.get(ma), f.get(mb));
                same(cfg + " exp_avg_sq", f.get(va), f.get(vb));
                if (xa != null) same(cfg + " max_exp_avg_sq", f.get(xa), f.get(xb));
            }
        }
    }

    /** Runs the guard on {@code values} into slot 2 of a scalars-like tensor whose other slots must stay 7. */
    private float guard(BackendParityFixtures f, float[] values, float previous, boolean and) {
        Tensor scalars = f.tensor(Shape.of(4), 7f, 7f, previous, 7f);
        f.backend().finiteFlag(f.tensor(Shape.of(values.length), values), scalars.narrow(0, 2, 1), and);
        float[] after = f.get(scalars);
        assertArrayEquals(new float[]{7f, 7f, after[2], 7f}, after, "finiteFlag wrote outside its one-element view");
        return after[2];
    }

    @Test
    public void finiteFlagIsOneExactlyWhenEveryValueIsFinite() {
        try (var f = new BackendParityFixtures(backend())) {
            for (int size : new int[] {1, 3, 1000}) { // 1000: more values than the CUDA kernel's block has threads
                float[] v = Rand.uniform(85, size, -1e30, 1e30);
                v[0] = size == 1 ? Float.MAX_VALUE : -Float.MAX_VALUE;
                if (size > 1) v[size - 1] = Float.MIN_VALUE; // extremes and subnormals are finite
                assertEquals(1f, guard(f, v, 0f, false), size + " finite values");
                for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    for (int at : new int[] {0, size / 2, size - 1}) {
                        float[] w = v.clone();
                        w[at] = bad;
                        assertEquals(0f, guard(f, w, 1f, false), size + " values, " + bad + " at " + at);
                    }
                }
            }
        }
    }

    @Test
    public void finiteFlagAndCombinesWithTheFlagAlreadyThere() {
        try (var f = new BackendParityFixtures(backend())) {
            float[] finite = {0.5f, 2f}, nan = {0.5f, Float.NaN}, inf = {Float.POSITIVE_INFINITY};
            assertEquals(1f, guard(f, finite, 1f, true), "finite and a set flag");
            assertEquals(0f, guard(f, finite, 0f, true), "finite and a cleared flag (an earlier loss was not finite)");
            assertEquals(0f, guard(f, nan, 1f, true), "NaN and a set flag");
            assertEquals(0f, guard(f, inf, 0f, true), "inf and a cleared flag");
            assertEquals(1f, guard(f, finite, 0f, false), "without and, the old flag is ignored");
        }
    }

    /**
     * The guard and a step-scalar SGD update as a recorded step issues them: a NaN loss clears the apply flag and the
     * update leaves parameters and momentum bit for bit as they were (first step or not); a finite loss sets it again
     * and the update equals the host-scalar one.
     */
    @ParameterizedTest
    @MethodSource("sgdConfigs")
    public void sgdSkipsTheStepWhenTheGuardClearedApply(OptimizerConfig.Sgd cfg) {
        var fixed = new OptimizerConfig.Sgd(0f, cfg.momentum(), cfg.dampening(), cfg.weightDecay(), cfg.nesterov());
        for (int size : new int[] {1036, 1037}) { // float4 and scalar kernels
            float[] p0 = Rand.uniform(86, size), b0 = Rand.uniform(87, size), g = Rand.uniform(88, size);
            try (var f = new BackendParityFixtures(backend())) {
                Shape s = Shape.of(size);
                Tensor p = f.tensor(s, p0), buf = cfg.momentum() == 0 ? null : f.tensor(s, b0), grad = f.tensor(s, g);
                Tensor scalars = f.output(Shape.of(OptimizerScalars.SGD_LENGTH), false), apply = scalars.narrow(0, OptimizerScalars.SGD_APPLY, 1);
                float[] host = new float[OptimizerScalars.SGD_LENGTH];
                for (boolean first : new boolean[] {true, false}) {
                    OptimizerScalars.sgd(host, 0, cfg.lr(), first);
                    f.backend().upload(host, scalars);
                    f.backend().finiteFlag(f.tensor(Shape.of(2), 1.5f, Float.NaN), apply, false);
                    f.backend().sgdStep(p, grad, buf, fixed, scalars);
                    assertArrayEquals(p0, f.get(p), cfg + " first=" + first + ": a skipped step changed the parameters");
                    if (buf != null) assertArrayEquals(b0, f.get(buf), cfg + " first=" + first + ": a skipped step changed the momentum");
                }
                Tensor pa = f.tensor(s, p0), ba = cfg.momentum() == 0 ? null : f.tensor(s, b0);
                f.backend().sgdStep(pa, grad, ba, cfg, false);
                f.backend().finiteFlag(f.tensor(Shape.of(2), 1.5f, 0.25f), apply, false);
                f.backend().sgdStep(p, grad, buf, fixed, scalars);
                same(cfg + " param after a finite guard", f.get(pa), f.get(p));
                if (buf != null) same(cfg + " momentum after a finite guard", f.get(ba), f.get(buf));
            }
        }
    }

    /** As {@link #sgdSkipsTheStepWhenTheGuardClearedApply} for Adam/AdamW: parameters and every moment untouched. */
    @ParameterizedTest
    @MethodSource("adamConfigs")
    public void adamSkipsTheStepWhenTheGuardClearedApply(OptimizerConfig.Adam cfg) {
        var fixed = new OptimizerConfig.Adam(0f, cfg.beta1(), cfg.beta2(), cfg.eps(), cfg.weightDecay(), cfg.decoupled(), cfg.amsgrad());
        for (int size : new int[] {1036, 1037}) {
            float[] p0 = Rand.uniform(89, size), m0 = Rand.uniform(90, size), v0 = Rand.uniform(91, size, 0, 1), x0 = Rand.uniform(92, size, 1, 2);
            float[] g = Rand.uniform(93, size);
            try (var f = new BackendParityFixtures(backend())) {
                Shape s = Shape.of(size);
                Tensor p = f.tensor(s, p0), m = f.tensor(s, m0), v = f.tensor(s, v0), x = cfg.amsgrad() ? f.tensor(s, x0) : null, grad = f.tensor(s, g);
                Tensor scalars = f.output(Shape.of(OptimizerScalars.ADAM_LENGTH), false), apply = scalars.narrow(0, OptimizerScalars.ADAM_APPLY, 1);
                float[] host = new float[OptimizerScalars.ADAM_LENGTH];
                OptimizerScalars.adam(host, 0, cfg.lr(), cfg.beta1(), cfg.beta2(), 4);
                f.backend().upload(host, scalars);
                for (float loss : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    f.backend().finiteFlag(f.tensor(Shape.of(1), loss), apply, false);
                    f.backend().adamStep(p, grad, m, v, x, fixed, scalars);
                    assertArrayEquals(p0, f.get(p), cfg + " loss " + loss + ": a skipped step changed the parameters");
                    assertArrayEquals(m0, f.get(m), cfg + " loss " + loss + ": exp_avg");
                    assertArrayEquals(v0, f.get(v), cfg + " loss " + loss + ": exp_avg_sq");
                    if (x != null) assertArrayEquals(x0, f.get(x), cfg + " loss " + loss + ": max_exp_avg_sq");
                }
                Tensor pa = f.tensor(s, p0), ma = f.tensor(s, m0), va = f.tensor(s, v0), xa = cfg.amsgrad() ? f.tensor(s, x0) : null;
                f.backend().adamStep(pa, grad, ma, va, xa, cfg, 4);
                f.backend().finiteFlag(f.tensor(Shape.of(1), 2.5f), apply, false);
                f.backend().adamStep(p, grad, m, v, x, fixed, scalars);
                same(cfg + " param after a finite guard", f.get(pa), f.get(p));
                same(cfg + " exp_avg after a finite guard", f.get(ma), f.get(m));
                same(cfg + " exp_avg_sq after a finite guard", f.get(va), f.get(v));
                if (x != null) same(cfg + " max_exp_avg_sq after a finite guard", f.get(xa), f.get(x));
            }
        }
    }

    private void same(String what, float[] hostScalars, float[] stepScalars) {
        if (stepScalarsBitExact()) {
            assertArrayEquals(hostScalars, stepScalars, what + ": step-scalar update differs from the host-scalar one");
        } else {
            assertClose(what, Rand.toDouble(hostScalars), stepScalars, 1e-6);
        }
    }

    /** Gradients that shrink after the first step, so amsgrad's running maximum differs from v. */
    protected static float[][] grads(int size) {
        float[][] g = new float[STEPS][];
        for (int t = 0; t < STEPS; t++) {
            g[t] = Rand.uniform(90 + t, size);
            if (t > 0) for (int i = 0; i < size; i++) g[t][i] *= 0.1f;
        }
        return g;
    }
}
