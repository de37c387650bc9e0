package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static dev.jdnn.ops.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Three optimizer steps against torch.optim's update rules spelled out in float64 here. Sizes are odd (vector
 * tails), and one is large enough to be split across threads.
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
