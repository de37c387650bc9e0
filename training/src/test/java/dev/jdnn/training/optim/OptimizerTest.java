package dev.jdnn.training.optim;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Init;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/** Group partitioning and the fused updates over flat ranges, against a float64 re-implementation of torch.optim. */
class OptimizerTest {
    private static final String[] NAMES = {"conv.weight", "conv.bias", "bn.weight", "bn.bias", "fc.weight", "fc.bias"};
    private static final Shape[] SHAPES = {Shape.of(2, 1, 2, 2), Shape.of(2), Shape.of(2), Shape.of(2), Shape.of(3, 2), Shape.of(3)};
    private final CpuBackend backend = new CpuBackend();

    /** Parameters laid out like a compiled model's: views of one flat value buffer and one flat gradient buffer. */
    private final class Model {
        final Tensor flatValues = backend.allocate(Shape.of(23)), flatGrads = backend.allocate(Shape.of(23));
        final Map<String, Parameter> params = new LinkedHashMap<>();

        Model(boolean flat) {
            int off = 0;
            SplittableRandom r = new SplittableRandom(5);
            float[] init = new float[23];
            for (int i = 0; i < 23; i++) init[i] = (float) (r.nextDouble() * 2 - 1);
            backend.upload(init, flatValues);
            for (int i = 0; i < NAMES.length; i++) {
                Parameter p = new Parameter(NAMES[i], SHAPES[i], Parameter.Kind.PARAMETER, Init.zeros());
                int n = (int) SHAPES[i].numel();
                if (flat) {
                    p.bindValue(flatValues.narrow(0, off, n).reshape(SHAPES[i]));
                    p.bindGrad(flatGrads.narrow(0, off, n).reshape(SHAPES[i]));
                } else {
                    Tensor v = backend.allocate(SHAPES[i]);
                    backend.upload(java.util.Arrays.copyOfRange(init, off, off + n), v);
                    p.bindValue(v);
                    p.bindGrad(backend.allocate(SHAPES[i]));
                }
                params.put(NAMES[i], p);
                off += n;
            }
        }

        void setGrads(double[] g) {
            int off = 0;
            for (String n : NAMES) {
                Parameter p = params.get(n);
                float[] v = new float[(int) p.numel()];
                for (int i = 0; i < v.length; i++) v[i] = (float) g[off + i];
                backend.upload(v, p.grad());
                off += v.length;
            }
        }

        double[] values() {
            double[] out = new double[23];
            int off = 0;
            for (String n : NAMES) {
                float[] v = backend.download(params.get(n).value());
                for (float x : v) out[off++] = x;
            }
            return out;
        }
    }

    private static final GroupRules RULES = new GroupRules(0.1, 0.01).noDecayOnRank1(true).lrForPrefix("fc", 0.5);

    @Test
    void groupsFollowRankAndPrefixAndContiguousGroupsTakeOneCall() {
        Model m = new Model(true);
        List<ParameterGroup> groups = RULES.partition(m.params);
        assertEquals(List.of("default", "default/no_decay", "fc", "fc/no_decay"), groups.stream().map(ParameterGroup::name).toList());
        assertEquals(List.of("conv.bias", "bn.weight", "bn.bias"), groups.get(1).parameterNames());
        assertEquals(0.0, groups.get(1).weightDecay());
        assertEquals(0.5, groups.get(2).lr());
        assertEquals(0.01, groups.get(2).weightDecay());
        try (Optimizer sgd = sgd(m.params, m.flatValues, m.flatGrads, groups, 0.9, 0, false)) {
            assertEquals(List.of(1, 1, 1, 1), sgd.segmentCounts());
        }
        List<ParameterGroup> byRank = new GroupRules(0.1, 0.01).noDecayOnRank1(true).partition(m.params);
        assertEquals(List.of("conv.weight", "fc.weight"), byRank.get(0).parameterNames());
        try (Optimizer sgd = sgd(m.params, m.flatValues, m.flatGrads, byRank, 0.9, 0, false)) {
            assertEquals(List.of(2, 2), sgd.segmentCounts(), "conv.weight and fc.weight are not adjacent; biases split around fc.weight");
        }
        Model separate = new Model(false);
        try (Optimizer sgd = sgd(separate.params, null, null, byRank, 0.9, 0, false)) {
            assertEquals(List.of(2, 4), sgd.segmentCounts(), "without a flat buffer: one call per parameter");
        }
        var overlap = List.of(new ParameterGroup("a", List.of(NAMES), 0.1, 0), new ParameterGroup("b", List.of("fc.bias"), 0.1, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> sgd(m.params, m.flatValues, m.flatGrads, overlap, 0, 0, false));
        assertTrue(e.getMessage().contains("fc.bias"));
    }

    /** torch.optim.SGD in float64, per element, with each parameter's group lr / weight decay. */
    private static void referenceSgd(double[] p, double[] v, double[] g, double[] lr, double[] wd, double m, double damp, boolean nesterov, boolean first) {
        for (int i = 0; i < p.length; i++) {
            double d = g[i] + wd[i] * p[i];
            v[i] = first ? d : m * v[i] + (1 - damp) * d;
            p[i] -= lr[i] * (nesterov ? d + m * v[i] : v[i]);
        }
    }

    private static void referenceAdam(double[] p, double[] m1, double[] m2, double[] vmax, double[] g, double[] lr, double[] wd, boolean decoupled, boolean amsgrad, long t) {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        for (int i = 0; i < p.length; i++) {
            double grad = g[i];
            if (decoupled) p[i] *= 1 - lr[i] * wd[i];
            else grad += wd[i] * p[i];
            m1[i] = b1 * m1[i] + (1 - b1) * grad;
            m2[i] = b2 * m2[i] + (1 - b2) * grad * grad;
            vmax[i] = Math.max(vmax[i], m2[i]);
            double second = amsgrad ? vmax[i] : m2[i];
            double denom = Math.sqrt(second) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
            p[i] -= lr[i] / (1 - Math.pow(b1, t)) * m1[i] / denom;
        }
    }

    /** Per-element lr and weight decay implied by RULES, in flat order. */
    private static double[][] perElementHyper(List<ParameterGroup> groups) {
        double[] lr = new double[23], wd = new double[23];
        int off = 0;
        for (int k = 0; k < NAMES.length; k++) {
            for (ParameterGroup g : groups) {
                if (!g.parameterNames().contains(NAMES[k])) continue;
                for (int i = 0; i < SHAPES[k].numel(); i++) {
                    lr[off + i] = g.lr();
                    wd[off + i] = g.weightDecay();
                }
            }
            off += (int) SHAPES[k].numel();
        }
        return new double[][]{lr, wd};
    }

    private static double[] grads(int step) {
        SplittableRandom r = new SplittableRandom(100 + step);
        double[] g = new double[23];
        for (int i = 0; i < 23; i++) g[i] = (float) (r.nextDouble() * 2 - 1);
        return g;
    }

    @Test
    void sgdWithNesterovAndGroupsMatchesTheReferenceInBothLayouts() {
        for (boolean flat : new boolean[]{true, false}) {
            Model m = new Model(flat);
            List<ParameterGroup> groups = RULES.partition(m.params);
            double[][] hyper = perElementHyper(groups);
            double[] p = m.values(), v = new double[23];
            double[] factors = {1.0, 0.5, 0.25};
            try (Optimizer sgd = sgd(m.params, flat ? m.flatValues : null, flat ? m.flatGrads : null, groups, 0.9, 0, true)) {
                for (int s = 0; s < 3; s++) {
                    double[] g = grads(s);
                    m.setGrads(g);
                    sgd.step(factors[s]);
                    double[] lr = hyper[0].clone();
                    for (int i = 0; i < 23; i++) lr[i] = (float) (lr[i] * factors[s]);
                    referenceSgd(p, v, g, lr, hyper[1], 0.9, 0, true, s == 0);
                }
                double[] got = m.values();
                for (int i = 0; i < 23; i++) assertEquals(p[i], got[i], 1e-5 * (1 + Math.abs(p[i])), "flat=" + flat + " element " + i);
                float[] buf = backend.download(sgd.state().get("optim.fc.weight.momentum_buffer"));
                assertEquals(Shape.of(3, 2), sgd.state().get("optim.fc.weight.momentum_buffer").shape());
                for (int i = 0; i < 6; i++) assertEquals(v[14 + i], buf[i], 1e-5 * (1 + Math.abs(v[14 + i])));
                assertEquals(3, sgd.stepCount());
            }
        }
    }

    @Test
    void adamAndAdamWWithAmsgradMatchTheReference() {
        for (boolean decoupled : new boolean[]{false, true}) {
            Model m = new Model(true);
            List<ParameterGroup> groups = RULES.partition(m.params);
            double[][] hyper = perElementHyper(groups);
            double[] p = m.values(), m1 = new double[23], m2 = new double[23], vmax = new double[23];
            try (Optimizer adam = new Optimizer(backend, m.params, m.flatValues, m.flatGrads, groups, new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 0, decoupled, true))) {
                assertEquals(decoupled ? "adamw" : "adam", adam.kind());
                assertEquals(6 * 3, adam.state().size());
                for (int s = 0; s < 3; s++) {
                    double[] g = grads(s);
                    m.setGrads(g);
                    adam.step(1.0);
                    referenceAdam(p, m1, m2, vmax, g, hyper[0], hyper[1], decoupled, true, s + 1);
                }
                double[] got = m.values();
                for (int i = 0; i < 23; i++) assertEquals(p[i], got[i], 1e-5 * (1 + Math.abs(p[i])), "decoupled=" + decoupled + " element " + i);
            }
        }
    }

    /**
     * One fused call per group over the flat buffers, or one call per parameter: the same arithmetic per element, so
     * the same bits, with three groups of different learning rates and decays and a factor that changes every step;
     * and {@link Optimizer#step(double)} is its two halves.
     */
    @Test
    void flatAndPerParameterLayoutsUpdateBitForBitAlike() {
        double[] factors = {1.0, 0.7, 0.3, 0.05};
        for (String kind : new String[]{"sgd", "sgd-dampened", "adam", "adamw-amsgrad"}) {
            Model a = new Model(true), b = new Model(false);
            try (Optimizer flat = optimizer(kind, a, true); Optimizer perParameter = optimizer(kind, b, false)) {
                assertEquals(List.of(1, 1, 1, 1), flat.segmentCounts());
                for (int s = 0; s < factors.length; s++) {
                    a.setGrads(grads(s));
                    b.setGrads(grads(s));
                    flat.step(factors[s]);
                    perParameter.writeStepScalars(factors[s]);
                    perParameter.enqueueUpdate();
                }
                assertArrayEquals(a.values(), b.values(), kind + ": parameters");
                for (String k : flat.state().keySet()) {
                    assertArrayEquals(backend.download(flat.state().get(k)), backend.download(perParameter.state().get(k)), kind + ": " + k);
                }
                assertEquals(flat.stepCount(), perParameter.stepCount());
            }
        }
    }

    /**
     * The guarded update: its flags are every group's apply slot; a guard that sees a NaN clears them, the update
     * then leaves parameters and state untouched, and {@link Optimizer#undoSkippedStep()} takes back the count;
     * a finite guard keeps the update and the count. Then the next step equals an unguarded run that never ran
     * the skipped one.
     */
    @Test
    void aGuardedStepWhoseLossIsNotFiniteIsSkippedAndUncounted() {
        for (String kind : new String[]{"sgd", "adamw-amsgrad"}) {
            Model a = new Model(true), b = new Model(true);
            try (Optimizer host = optimizer(kind, a, true); Optimizer guarded = optimizer(kind, b, true);
                 Tensor nan = Tensor.ofHost(Shape.of(2), 1f, Float.NaN); Tensor finite = Tensor.ofHost(Shape.of(2), 1f, 2f)) {
                var e = assertThrows(IllegalStateException.class, guarded::undoSkippedStep);
                assertTrue(e.getMessage().contains("writeStepScalars"), e.getMessage());
                assertEquals(RULES.partition(b.params).size(), guarded.guardedUpdate().applyFlags().size(), "one flag per group");
                assertSame(guarded.guardedUpdate(), guarded.guardedUpdate(), "one instance: the model keys its recording by it");
                for (int s = 0; s < 4; s++) {
                    boolean diverged = s == 0 || s == 2; // the very first step (SGD's buffer initialisation) and a later one
                    a.setGrads(grads(s));
                    b.setGrads(grads(s));
                    if (!diverged) host.step(0.5);
                    double[] before = b.values();
                    Map<String, float[]> stateBefore = new LinkedHashMap<>();
                    guarded.state().forEach((k, t) -> stateBefore.put(k, backend.download(t)));
                    long count = guarded.stepCount();
                    guarded.writeStepScalars(0.5);
                    for (Tensor flag : guarded.guardedUpdate().applyFlags()) backend.finiteFlag(diverged ? nan : finite, flag, false);
                    guarded.guardedUpdate().enqueue();
                    if (diverged) {
                        assertArrayEquals(before, b.values(), kind + " step " + s + ": a skipped step changed the parameters");
                        for (var st : guarded.state().entrySet()) assertArrayEquals(stateBefore.get(st.getKey()), backend.download(st.getValue()), kind + " step " + s + ": " + st.getKey());
                        assertTrue(guarded.undoSkippedStep(), kind + " step " + s);
                        assertEquals(count, guarded.stepCount(), kind + " step " + s + ": the skipped step is not counted");
                        assertThrows(IllegalStateException.class, guarded::undoSkippedStep, "only once per written step");
                    } else {
                        assertEquals(count + 1, guarded.stepCount());
                    }
                    assertEquals(host.stepCount(), guarded.stepCount(), kind + " step " + s);
                    assertArrayEquals(a.values(), b.values(), kind + " step " + s + ": parameters equal the host path that skipped the same steps");
                }
                guarded.writeStepScalars(1.0);
                for (Tensor flag : guarded.guardedUpdate().applyFlags()) backend.finiteFlag(finite, flag, false);
                assertFalse(guarded.undoSkippedStep(), "a step whose flag stayed set was applied: it stays counted");
                assertEquals(host.stepCount() + 1, guarded.stepCount());
                for (String k : host.state().keySet()) {
                    // compare before the extra step's update: it was never enqueued
                    assertArrayEquals(backend.download(host.state().get(k)), backend.download(guarded.state().get(k)), kind + ": " + k);
                }
            }
        }
    }

    /** SGD with the groups' own weight decay (the rule's 0 is replaced per group). */
    private Optimizer sgd(Map<String, Parameter> params, Tensor values, Tensor grads, List<ParameterGroup> groups, double momentum, double dampening, boolean nesterov) {
        return new Optimizer(backend, params, values, grads, groups, new OptimizerConfig.Sgd(momentum, dampening, 0, nesterov));
    }

    private Optimizer optimizer(String kind, Model m, boolean flat) {
        List<ParameterGroup> groups = RULES.partition(m.params);
        Tensor values = flat ? m.flatValues : null, grads = flat ? m.flatGrads : null;
        return switch (kind) {
            case "sgd" -> sgd(m.params, values, grads, groups, 0.9, 0, true);
            case "sgd-dampened" -> sgd(m.params, values, grads, groups, 0.5, 0.2, false);
            case "adam" -> new Optimizer(backend, m.params, values, grads, groups, new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 0, false, false));
            default -> new Optimizer(backend, m.params, values, grads, groups, new OptimizerConfig.Adam(0.8, 0.99, 1e-6, 0, true, true));
        };
    }

    @Test
    void clippingScalesToTheMaxNormOnlyWhenAbove() {
        try (Tensor g = Tensor.ofHost(Shape.of(3), 3f, 0f, 4f); // global norm 5
             GradientClipping clip = new GradientClipping(backend, g, 1.0); GradientClipping loose = new GradientClipping(backend, g, 10.0)) {
            clip.enqueue();
            assertEquals(5.0, clip.lastNorm(), 1e-6);
            float factor = 1f / (5f + 1e-6f) * 1f;
            assertArrayEquals(new float[]{3f * factor, 0f, 4f * factor}, g.toFloatArray(), "torch's float formula");
            float[] clipped = g.toFloatArray();
            loose.enqueue();
            assertArrayEquals(clipped, g.toFloatArray(), "below the limit: unchanged");
            assertEquals(1.0, loose.lastNorm(), 1e-6);
        }
        var e = assertThrows(IllegalArgumentException.class, () -> new GradientClipping(backend, null, 1.0));
        assertTrue(e.getMessage().contains("flat gradients"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GradientClipping(backend, Tensor.ofHost(Shape.of(1), 1f), 0));
    }
}
