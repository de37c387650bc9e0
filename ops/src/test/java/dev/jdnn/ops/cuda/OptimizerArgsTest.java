package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The arguments of the fused optimizer launches — host-scalar and device-scalar kernels, float4 and scalar
 * variants — checked against optimizers.cu without a GPU (host tensors stand in for device ones), and the scalar
 * indices the kernels use checked against {@link OptimizerScalars}.
 */
class OptimizerArgsTest {
    private static final String SOURCE = KernelCache.source(KernelFile.OPTIMIZERS);

    private static void check(CudaOptimizers.Launch l) {
        KernelSignature.parse(SOURCE, l.kernel().name()).check(l.args());
    }

    @Test
    void everyOptimizerLaunchMatchesItsKernel() {
        var sgd = new OptimizerConfig.Sgd(0.1f, 0.9f, 0f, 1e-4f, true);
        var sgdFixed = new OptimizerConfig.Sgd(0f, 0.9f, 0f, 1e-4f, true);
        var adam = new OptimizerConfig.Adam(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, true);
        var adamFixed = new OptimizerConfig.Adam(0f, 0.9f, 0.999f, 1e-8f, 0.01f, true, true);
        try (Tensor flat = Tensor.zerosHost(Shape.of(5, 16)); Tensor sgdScalars = Tensor.zerosHost(Shape.of(OptimizerScalars.SGD_LENGTH));
             Tensor adamScalars = Tensor.zerosHost(Shape.of(OptimizerScalars.ADAM_LENGTH))) {
            for (int len : new int[]{16, 15}) { // float4 kernels, then the scalar ones
                Tensor p = row(flat, 0, len), g = row(flat, 1, len), m = row(flat, 2, len), v = row(flat, 3, len), x = row(flat, 4, len);
                boolean four = len % 4 == 0;
                CudaOptimizers.Launch l = CudaOptimizers.sgdLaunch(p, g, m, sgd, true);
                assertEquals(four ? Kernel.SGD_STEP_VEC4 : Kernel.SGD_STEP, l.kernel());
                check(l);
                l = CudaOptimizers.sgdLaunch(p, g, m, sgdFixed, sgdScalars);
                assertEquals(four ? Kernel.SGD_STEP_SCALARS_VEC4 : Kernel.SGD_STEP_SCALARS, l.kernel());
                assertSame(sgdScalars, l.args()[4], "the scalars pointer follows the buffers");
                check(l);
                check(CudaOptimizers.sgdLaunch(p, g, null, new OptimizerConfig.Sgd(0f, 0f, 0f, 0f, false), sgdScalars));
                l = CudaOptimizers.adamLaunch(p, g, m, v, x, adam, 3);
                assertEquals(four ? Kernel.ADAM_STEP_VEC4 : Kernel.ADAM_STEP, l.kernel());
                check(l);
                l = CudaOptimizers.adamLaunch(p, g, m, v, x, adamFixed, adamScalars);
                assertEquals(four ? Kernel.ADAM_STEP_SCALARS_VEC4 : Kernel.ADAM_STEP_SCALARS, l.kernel());
                assertSame(adamScalars, l.args()[6], "the scalars pointer follows the buffers");
                assertEquals(four ? len / 4L : (long) len, l.work());
                check(l);
            }
        }
    }

    private static Tensor row(Tensor flat, int r, int len) {
        return flat.narrow(0, r, 1).reshape(Shape.of(16)).narrow(0, 0, len);
    }

    @Test
    void theHostScalarAdamLaunchCarriesTheSameScalarsOptimizerScalarsWrites() {
        var adam = new OptimizerConfig.Adam(3e-3f, 0.8f, 0.99f, 1e-8f, 0f, false, false);
        float[] s = new float[OptimizerScalars.ADAM_LENGTH];
        OptimizerScalars.adam(s, 0, adam.lr(), adam.beta1(), adam.beta2(), 7);
        try (Tensor t = Tensor.zerosHost(Shape.of(8))) {
            Object[] args = CudaOptimizers.adamLaunch(t, t, t, t, null, adam, 7).args();
            assertEquals(s[OptimizerScalars.ADAM_LR], args[6]);
            assertEquals(s[OptimizerScalars.ADAM_STEP_SIZE], args[args.length - 2], "stepSize");
            assertEquals(s[OptimizerScalars.ADAM_BC2_SQRT], args[args.length - 1], "bc2Sqrt");
        }
    }

    @Test
    void theKernelsIndexTheScalarsAsOptimizerScalarsLaysThemOut() {
        assertEquals(OptimizerScalars.SGD_LR, define("SGD_LR"));
        assertEquals(OptimizerScalars.SGD_FIRST_STEP, define("SGD_FIRST_STEP"));
        assertEquals(OptimizerScalars.ADAM_LR, define("ADAM_LR"));
        assertEquals(OptimizerScalars.ADAM_STEP_SIZE, define("ADAM_STEP_SIZE"));
        assertEquals(OptimizerScalars.ADAM_BC2_SQRT, define("ADAM_BC2_SQRT"));
        assertEquals(OptimizerScalars.SGD_APPLY, define("SGD_APPLY"));
        assertEquals(OptimizerScalars.ADAM_APPLY, define("ADAM_APPLY"));
    }

    @Test
    void theGuardLaunchMatchesItsKernel() {
        try (Tensor losses = Tensor.zerosHost(Shape.of(3)); Tensor scalars = Tensor.zerosHost(Shape.of(OptimizerScalars.ADAM_LENGTH))) {
            Tensor apply = scalars.narrow(0, OptimizerScalars.ADAM_APPLY, 1);
            for (boolean and : new boolean[]{false, true}) {
                Object[] args = CudaOptimizers.finiteFlagArgs(losses, apply, and);
                KernelSignature.parse(SOURCE, Kernel.FINITE_FLAG.name()).check(args);
                assertEquals(3L, args[0], "the value count");
                assertSame(apply, args[2], "the flag is the one-element view, at its own address");
                assertEquals(and ? 1 : 0, args[3]);
            }
        }
    }

    @Test
    void everyStepScalarKernelReturnsBeforeTouchingAnythingWhenApplyIsZero() {
        for (String kernel : new String[]{"sgd_step_scalars", "sgd_step_scalars_vec4", "adam_step_scalars", "adam_step_scalars_vec4"}) {
            var m = Pattern.compile("extern \"C\" __global__ void " + kernel + "\\([^)]*\\)\\s*\\{\\s*([^\n]*)").matcher(SOURCE);
            assertTrue(m.find(), kernel + " not found");
            String apply = kernel.startsWith("sgd") ? "SGD_APPLY" : "ADAM_APPLY";
            assertTrue(m.group(1).startsWith("if (s[" + apply + "] == 0.f) return;"), kernel + " must first return on apply == 0, begins with: " + m.group(1));
        }
    }

    private static int define(String name) {
        var m = Pattern.compile("#define " + name + " (\\d+)\\b").matcher(SOURCE);
        assertTrue(m.find(), name + " is not #defined in optimizers.cu");
        return Integer.parseInt(m.group(1));
    }
}
