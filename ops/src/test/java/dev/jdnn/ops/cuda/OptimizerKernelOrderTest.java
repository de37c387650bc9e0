package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.cpu.CpuBackend;
import dev.jdnn.ops.testing.Rand;
import dev.jdnn.ops.testing.TorchOptimizerOrder;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The CUDA update kernels' arithmetic, without a GPU: optimizers.cu must contain exactly the statements listed here
 * (explicit round-to-nearest intrinsics, so NVRTC cannot contract or reorder them), and those statements, transcribed
 * one for one into Java below (__fmaf_rn = Math.fma, __fmul_rn = *, ...), give bit for bit what the CPU backend and
 * torch's order of operations ({@link TorchOptimizerOrder}) give. Change a kernel line and the first test fails; change
 * its meaning in the transcription and the second does.
 */
class OptimizerKernelOrderTest {
    private static final String SOURCE = KernelCache.source(KernelFile.OPTIMIZERS).replaceAll("\\s+", " ");

    private static final List<String> SGD_LINES = List.of(
            "if (wd != 0.f) g = __fmaf_rn(p, wd, g);",
            "buf = firstStep ? g : __fmaf_rn(g, keep, __fmul_rn(buf, momentum));",
            "g = nesterov ? __fmaf_rn(buf, momentum, g) : buf;",
            "p = __fmaf_rn(g, negLr, p);",
            "float negLr = -s[SGD_LR];");

    /** sgdUpdate, statement for statement. */
    private static float sgdUpdate(float p, float g, float[] buf, int i, float negLr, float momentum, float keep, float wd, boolean nesterov, boolean firstStep) {
        if (wd != 0f) g = Math.fma(p, wd, g);
        if (momentum != 0f) {
            buf[i] = firstStep ? g : Math.fma(g, keep, buf[i] * momentum);
            g = nesterov ? Math.fma(buf[i], momentum, g) : buf[i];
        }
        return Math.fma(g, negLr, p);
    }

    private static final List<String> ADAM_LINES = List.of(
            "p = __fmul_rn(p, decay);",
            "if (l2 != 0.f) g = __fmaf_rn(p, l2, g);",
            "m = __fmaf_rn(w1, __fsub_rn(g, m), m);",
            "v = __fmaf_rn(__fmul_rn(w2, g), g, __fmul_rn(v, beta2));",
            "if (amsgrad) { vmax = fmaxf(vmax, v); second = vmax; }",
            "float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(second), bc2Sqrt), eps);",
            "p = __fadd_rn(p, __fdiv_rn(__fmul_rn(negStep, m), denom));",
            "float negStep = -s[ADAM_STEP_SIZE], bc2Sqrt = s[ADAM_BC2_SQRT], decay = s[ADAM_DECAY];");

    /** adamUpdate, statement for statement (fmaxf: neither operand is NaN for finite gradients). */
    private static float adamUpdate(float p, float g, float[] m, float[] v, float[] vmax, int i, float w1, float beta2, float w2, float eps,
                                    float l2, boolean amsgrad, float negStep, float bc2Sqrt, float decay) {
        p = p * decay;
        if (l2 != 0f) g = Math.fma(p, l2, g);
        m[i] = Math.fma(w1, g - m[i], m[i]);
        v[i] = Math.fma(w2 * g, g, v[i] * beta2);
        float second = v[i];
        if (amsgrad) { vmax[i] = Math.max(vmax[i], v[i]); second = vmax[i]; }
        float denom = (float) Math.sqrt(second) / bc2Sqrt + eps;
        return p + negStep * m[i] / denom;
    }

    @Test
    void theKernelsSpellOutTheseStatements() {
        for (String line : SGD_LINES) assertTrue(SOURCE.contains(line), "optimizers.cu no longer has: " + line);
        for (String line : ADAM_LINES) assertTrue(SOURCE.contains(line), "optimizers.cu no longer has: " + line);
    }

    @Test
    void theKernelStatementsEqualTheCpuBackendAndTorchsOrderBitForBit() {
        int n = 1037, steps = 3;
        try (Backend cpu = new CpuBackend()) {
            for (OptimizerConfig.Sgd c : List.of(new OptimizerConfig.Sgd(0.9, 0.1, 0.01, false), new OptimizerConfig.Sgd(0.9, 0, 5e-4, true), new OptimizerConfig.Sgd(0, 0, 0, false))) {
                float[] p = Rand.uniform(1, n), buf = new float[n], torchP = p.clone(), torchBuf = new float[n];
                try (Tensor tp = cpu.allocate(Shape.of(n)); Tensor tb = cpu.zeros(Shape.of(n)); Tensor tg = cpu.allocate(Shape.of(n));
                     Tensor ts = cpu.allocate(Shape.of(OptimizerScalars.SGD_LENGTH))) {
                    cpu.upload(p, tp);
                    for (int t = 1; t <= steps; t++) {
                        float[] g = Rand.uniform(10 + t, n);
                        float[] s = OptimizerScalars.of(c, 0.05 / t, t);
                        for (int i = 0; i < n; i++) {
                            p[i] = sgdUpdate(p[i], g[i], buf, i, -s[OptimizerScalars.SGD_LR], c.momentumF(), c.keep(), c.weightDecayF(), c.nesterov(),
                                    s[OptimizerScalars.SGD_FIRST_STEP] != 0f);
                        }
                        TorchOptimizerOrder.sgd(torchP, g, torchBuf, c, 0.05 / t, t);
                        cpu.upload(g, tg);
                        cpu.upload(s, ts);
                        cpu.sgdStep(tp, tg, c.hasMomentum() ? tb : null, c, ts);
                    }
                    assertArrayEquals(torchP, p, c + ": the kernel's statements against torch's order");
                    assertArrayEquals(cpu.download(tp), p, c + ": the kernel's statements against the CPU backend");
                }
            }
            for (OptimizerConfig.Adam c : List.of(OptimizerConfig.Adam.adam(0.1), OptimizerConfig.Adam.adamw(0.05), new OptimizerConfig.Adam(0.8, 0.99, 1e-6, 0.01, true, true))) {
                float[] p = Rand.uniform(2, n), m = new float[n], v = new float[n], x = new float[n];
                float[] torchP = p.clone(), torchM = new float[n], torchV = new float[n], torchX = new float[n];
                try (Tensor tp = cpu.allocate(Shape.of(n)); Tensor tm = cpu.zeros(Shape.of(n)); Tensor tv = cpu.zeros(Shape.of(n)); Tensor tx = cpu.zeros(Shape.of(n));
                     Tensor tg = cpu.allocate(Shape.of(n)); Tensor ts = cpu.allocate(Shape.of(OptimizerScalars.ADAM_LENGTH))) {
                    cpu.upload(p, tp);
                    for (int t = 1; t <= steps; t++) {
                        float[] g = Rand.uniform(20 + t, n);
                        if (t > 1) for (int i = 0; i < n; i++) g[i] *= 0.1f;
                        float[] s = OptimizerScalars.of(c, 1e-2 / t, t);
                        for (int i = 0; i < n; i++) {
                            p[i] = adamUpdate(p[i], g[i], m, v, x, i, c.lerpWeight(), c.beta2F(), c.oneMinusBeta2(), c.epsF(), c.l2(), c.amsgrad(),
                                    -s[OptimizerScalars.ADAM_STEP_SIZE], s[OptimizerScalars.ADAM_BC2_SQRT], s[OptimizerScalars.ADAM_DECAY]);
                        }
                        TorchOptimizerOrder.adam(torchP, g, torchM, torchV, torchX, c, 1e-2 / t, t);
                        cpu.upload(g, tg);
                        cpu.upload(s, ts);
                        cpu.adamStep(tp, tg, tm, tv, c.amsgrad() ? tx : null, c, ts);
                    }
                    assertArrayEquals(torchP, p, c + ": the kernel's statements against torch's order");
                    assertArrayEquals(torchV, v, c + ": exp_avg_sq against torch's order");
                    assertArrayEquals(cpu.download(tp), p, c + ": the kernel's statements against the CPU backend");
                    assertArrayEquals(cpu.download(tm), m, c + ": exp_avg against the CPU backend");
                }
            }
        }
    }
}
