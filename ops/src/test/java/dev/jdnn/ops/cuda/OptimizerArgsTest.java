package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The arguments of the fused optimizer and gradient-clipping launches — float4 and scalar variants — checked against
 * optimizers.cu without a GPU (host tensors stand in for device ones), and the scalar indices the kernels use
 * checked against {@link OptimizerScalars}.
 */
class OptimizerArgsTest {
    private static final String SOURCE = KernelCache.source(KernelFile.OPTIMIZERS);

    private static void check(CudaOptimizers.Launch l) {
        KernelSignature.parse(SOURCE, l.kernel().name()).check(l.args());
    }

    @Test
    void everyOptimizerLaunchMatchesItsKernel() {
        var sgd = new OptimizerConfig.Sgd(0.9, 0, 1e-4, true);
        var adam = new OptimizerConfig.Adam(0.9, 0.999, 1e-8, 0.01, true, true);
        try (Tensor flat = Tensor.zerosHost(Shape.of(5, 16)); Tensor sgdScalars = Tensor.zerosHost(Shape.of(OptimizerScalars.SGD_LENGTH));
             Tensor adamScalars = Tensor.zerosHost(Shape.of(OptimizerScalars.ADAM_LENGTH))) {
            for (int len : new int[]{16, 15}) { // float4 kernels, then the scalar ones
                Tensor p = row(flat, 0, len), g = row(flat, 1, len), m = row(flat, 2, len), v = row(flat, 3, len), x = row(flat, 4, len);
                boolean four = len % 4 == 0;
                CudaOptimizers.Launch l = CudaOptimizers.sgdLaunch(p, g, m, sgd, sgdScalars);
                assertEquals(four ? Kernel.SGD_STEP_VEC4 : Kernel.SGD_STEP, l.kernel());
                assertSame(sgdScalars, l.args()[4], "the scalars pointer follows the buffers");
                assertEquals(sgd.keep(), l.args()[6], "1 - dampening");
                check(l);
                check(CudaOptimizers.sgdLaunch(p, g, null, new OptimizerConfig.Sgd(0, 0, 0, false), sgdScalars));
                l = CudaOptimizers.adamLaunch(p, g, m, v, x, adam, adamScalars);
                assertEquals(four ? Kernel.ADAM_STEP_VEC4 : Kernel.ADAM_STEP, l.kernel());
                assertSame(adamScalars, l.args()[6], "the scalars pointer follows the buffers");
                assertArrayEquals(new Object[]{adam.lerpWeight(), adam.beta2F(), adam.oneMinusBeta2(), adam.epsF(), adam.l2(), 1},
                        java.util.Arrays.copyOfRange(l.args(), 7, 13), "w1, beta2, w2, eps, l2, amsgrad");
                assertEquals(four ? len / 4L : (long) len, l.work());
                check(l);
            }
        }
    }

    private static Tensor row(Tensor flat, int r, int len) {
        return flat.narrow(0, r, 1).reshape(Shape.of(16)).narrow(0, 0, len);
    }

    @Test
    void theKernelsIndexTheScalarsAsOptimizerScalarsLaysThemOut() {
        assertEquals(OptimizerScalars.SGD_LR, define("SGD_LR"));
        assertEquals(OptimizerScalars.SGD_FIRST_STEP, define("SGD_FIRST_STEP"));
        assertEquals(OptimizerScalars.SGD_APPLY, define("SGD_APPLY"));
        assertEquals(OptimizerScalars.ADAM_STEP_SIZE, define("ADAM_STEP_SIZE"));
        assertEquals(OptimizerScalars.ADAM_BC2_SQRT, define("ADAM_BC2_SQRT"));
        assertEquals(OptimizerScalars.ADAM_DECAY, define("ADAM_DECAY"));
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
    void theClippingLaunchesMatchTheirKernels() {
        try (Tensor grads = Tensor.zerosHost(Shape.of(1000)); Tensor partials = Tensor.zerosHost(Shape.of(2 * CudaOptimizers.CLIP_BLOCKS));
             Tensor norm = Tensor.zerosHost(Shape.of(1))) {
            KernelSignature.parse(SOURCE, Kernel.CLIP_NORM_PARTIAL.name()).check(new Object[]{grads.numel(), grads, partials});
            KernelSignature.parse(SOURCE, Kernel.CLIP_NORM_FINISH.name()).check(new Object[]{partials, 4, norm});
            KernelSignature.parse(SOURCE, Kernel.CLIP_SCALE.name()).check(new Object[]{grads.numel(), grads, norm, 1f});
        }
        assertEquals(4, CudaOptimizers.clipBlocks(1000), "one block per 256 elements");
        assertEquals(CudaOptimizers.CLIP_BLOCKS, CudaOptimizers.clipBlocks(1L << 30), "capped at the scratch's partials");
        assertEquals(0, CudaOptimizers.clipBlocks(0));
    }

    @Test
    void everyUpdateKernelReturnsBeforeTouchingAnythingWhenApplyIsZero() {
        for (String kernel : new String[]{"sgd_step", "sgd_step_vec4", "adam_step", "adam_step_vec4"}) {
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
