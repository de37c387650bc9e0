package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.ValueLayout;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ReLU and ReLU6 kernels checked without a GPU: their launch arguments against activations.cu's signatures, and
 * the kernels themselves emulated in Java — the grid-stride loop, the batch-strided index (common.cuh's bidx), the
 * blend, and the ReLU/ReLU6 expressions, which are read out of the source — on host tensors laid out as the graph
 * lays them out on the GPU: a channel slice of a concat buffer, the same buffer as input and output (in place), dx
 * aliasing dy. The emulation must give the CPU backend's results bit for bit, kinks, -0 and NaN included.
 */
class ActivationArgsTest {
    private static final String SOURCE = KernelCache.source(KernelFile.ACTIVATIONS);
    private static final KernelSignature FORWARD = KernelSignature.parse(SOURCE, Kernel.ACTIVATION_FORWARD.name());
    private static final KernelSignature BACKWARD = KernelSignature.parse(SOURCE, Kernel.ACTIVATION_BACKWARD.name());
    private static final CpuBackend CPU = new CpuBackend();
    private static final Shape SHAPE = Shape.of(2, 4, 3, 5);
    private static final int WIDE_CHANNELS = 7; // the concat buffer the slice [:, 2:6] lives in

    @Test
    void everyActivationButIdentityHasAKernelCodeTheSourceDefines() {
        for (Activation a : Activation.values()) {
            int code = CudaActivations.kernelCode(a);
            if (a == Activation.IDENTITY) {
                assertEquals(-1, code);
                continue;
            }
            var define = Pattern.compile("#define ACT_" + a.name() + " (\\d+)").matcher(SOURCE);
            assertTrue(define.find(), "activations.cu defines no ACT_" + a.name());
            assertEquals(Integer.parseInt(define.group(1)), code, a + ": Java's code and the source's define differ");
            assertTrue(SOURCE.contains("case ACT_" + a.name() + ":"), "activations.cu has no case for " + a);
        }
    }

    @Test
    void argumentsMatchTheSignaturesForStridedOperands() {
        try (Tensor wide = Tensor.zerosHost(wideShape()); Tensor y = Tensor.zerosHost(SHAPE)) {
            Tensor x = slice(wide);
            Object[] f = CudaActivations.forwardArgs(Activation.RELU6, 0f, 1f, x, 0f, y);
            FORWARD.check(f);
            assertEquals(7, f[0], "RELU6's code");
            assertEquals(SHAPE.numel(), f[2], "elements");
            assertEquals(60L, f[3], "elements per sample");
            assertEquals(105L, f[6], "x's batch stride: 7 channels of 15");
            assertEquals(60L, f[9], "y's batch stride");
            Object[] b = CudaActivations.backwardArgs(Activation.RELU, 0f, 1f, x, x, y, 0f, y);
            BACKWARD.check(b);
            assertEquals(105L, b[6]);
            assertEquals(105L, b[8]);
            assertEquals(60L, b[13]);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "RELU6"})
    void emulatedKernelsEqualTheCpuBackendOnSlicesAndInPlace(Activation kind) {
        float[] x = inputs(), dy = values(17), y0 = values(29);
        for (float[] alphaBeta : new float[][]{{1f, 0f}, {0.5f, -2f}}) {
            float alpha = alphaBeta[0], beta = alphaBeta[1];
            // forward: x a channel slice, y contiguous
            try (Tensor wideX = Tensor.zerosHost(wideShape()); Tensor y = Tensor.zerosHost(SHAPE);
                 Tensor cx = Tensor.ofHost(SHAPE, x); Tensor cy = Tensor.ofHost(SHAPE, y0);
                 ActivationPlan cpu = CPU.activation(kind, 0f, SHAPE)) {
                Tensor sx = slice(wideX);
                sx.copyFrom(x);
                y.copyFrom(y0);
                forward(kind, CudaActivations.forwardArgs(kind, 0f, alpha, sx, beta, y));
                cpu.forward(alpha, cx, beta, cy);
                assertBitsEqual(kind + " forward (strided x), alpha " + alpha + " beta " + beta, cy.toFloatArray(), y.toFloatArray());
            }
            // forward in place on a channel slice (the graph's in-place ReLU on a concat part)
            try (Tensor wide = Tensor.zerosHost(wideShape()); Tensor cy = Tensor.ofHost(SHAPE, x); ActivationPlan cpu = CPU.activation(kind, 0f, SHAPE)) {
                Tensor s = slice(wide);
                s.copyFrom(x);
                float[] outside = wideOutsideSlice(wide);
                forward(kind, CudaActivations.forwardArgs(kind, 0f, 1f, s, 0f, s));
                cpu.forward(1f, cy, 0f, cy);
                assertBitsEqual(kind + " in place", cy.toFloatArray(), s.toFloatArray());
                assertBitsEqual(kind + " in place: the channels outside the slice", outside, wideOutsideSlice(wide));
            }
            // backward: x and y one buffer (the forward ran in place), dy a channel slice, dx aliasing dy
            try (Tensor wideX = Tensor.zerosHost(wideShape()); Tensor wideD = Tensor.zerosHost(wideShape());
                 Tensor cy = Tensor.ofHost(SHAPE, x); Tensor cd = Tensor.ofHost(SHAPE, dy); ActivationPlan cpu = CPU.activation(kind, 0f, SHAPE)) {
                Tensor sx = slice(wideX), sd = slice(wideD);
                sx.copyFrom(x);
                sd.copyFrom(dy);
                forward(kind, CudaActivations.forwardArgs(kind, 0f, 1f, sx, 0f, sx));
                backward(kind, CudaActivations.backwardArgs(kind, 0f, alpha, sx, sx, sd, beta, sd));
                cpu.forward(1f, cy, 0f, cy);
                cpu.backward(alpha, cy, cy, cd, beta, cd); // the graph passes y for x after an in-place forward
                assertBitsEqual(kind + " backward in place, dx aliasing dy, alpha " + alpha + " beta " + beta, cd.toFloatArray(), sd.toFloatArray());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Activation.class, names = {"RELU", "RELU6"})
    void kinksFollowPyTorch(Activation kind) {
        // PyTorch: relu' = 0 at 0 (threshold_backward); relu6 = hardtanh(0, 6), whose backward is 0 for x <= 0 and x >= 6.
        float[] x = {-1f, -0f, 0f, 1e-30f, 3f, 5.9999995f, 6f, 7f, Float.NaN};
        float[] expected = kind == Activation.RELU ? new float[]{0, 0, 0, 1, 1, 1, 1, 1, 0} : new float[]{0, 0, 0, 1, 1, 1, 0, 0, 0};
        Shape s = Shape.of(1, x.length);
        float[] ones = new float[x.length];
        java.util.Arrays.fill(ones, 1f);
        try (Tensor tx = Tensor.ofHost(s, x); Tensor dy = Tensor.ofHost(s, ones); Tensor dx = Tensor.zerosHost(s)) {
            backward(kind, CudaActivations.backwardArgs(kind, 0f, 1f, tx, tx, dy, 0f, dx));
            assertBitsEqual(kind + " derivative at the kinks", expected, dx.toFloatArray());
        }
    }

    // ---- the emulation ----

    /** The kernel's ReLU / ReLU6 value, transcribed from the source (the test fails if the source changes). */
    private static float act(Activation kind, float x) {
        String relu = "case ACT_RELU: return x > 0.f ? x : (x != x ? x : 0.f);";
        String relu6 = "case ACT_RELU6: return x > 0.f ? fminf(x, 6.f) : (x != x ? x : 0.f);";
        assertTrue(SOURCE.contains(relu) && SOURCE.contains(relu6), "activations.cu's ReLU/ReLU6 forward changed: update this emulation");
        if (kind == Activation.RELU) return x > 0f ? x : (x != x ? x : 0f);
        return x > 0f ? fminf(x, 6f) : (x != x ? x : 0f);
    }

    /** The kernel's ReLU / ReLU6 backward: dy where the gate is open, else +0. */
    private static float backwardValue(Activation kind, float x, float dy) {
        String relu = "case ACT_RELU: return x > 0.f ? dy : 0.f;";
        String relu6 = "case ACT_RELU6: return (x > 0.f && x < 6.f) ? dy : 0.f;";
        assertTrue(SOURCE.contains(relu) && SOURCE.contains(relu6), "activations.cu's ReLU/ReLU6 backward changed: update this emulation");
        if (kind == Activation.RELU) return x > 0f ? dy : 0f;
        return (x > 0f && x < 6f) ? dy : 0f;
    }

    /** CUDA's fminf: the other operand when one is NaN (x is never NaN here: x > 0 held). */
    private static float fminf(float a, float b) {
        return Math.min(a, b);
    }

    /** common.cuh's blend: beta == 0 ignores the old value. */
    private static float blend(float alpha, float v, float beta, float old) {
        assertTrue(SOURCE.contains("return beta == 0.f ? alpha * v : alpha * v + beta * old;"), "common.cuh's blend changed: update this emulation");
        return beta == 0f ? alpha * v : alpha * v + beta * old;
    }

    /** common.cuh's bidx. */
    private static long bidx(long i, long sample, long batchStride) {
        return batchStride == sample ? i : (i / sample) * batchStride + (i % sample);
    }

    /** activation_forward, one thread after another (each reads its element before writing it, as on the GPU). */
    private static void forward(Activation kind, Object[] a) {
        FORWARD.check(a);
        assertEquals(CudaActivations.kernelCode(kind), a[0]);
        long n = (Long) a[2], sample = (Long) a[3];
        float alpha = (Float) a[4], beta = (Float) a[7];
        Tensor x = (Tensor) a[5], y = (Tensor) a[8];
        long xs = (Long) a[6], ys = (Long) a[9];
        for (long i = 0; i < n; i++) {
            long yi = bidx(i, sample, ys);
            set(y, yi, blend(alpha, act(kind, get(x, bidx(i, sample, xs))), beta, get(y, yi)));
        }
    }

    private static void backward(Activation kind, Object[] a) {
        BACKWARD.check(a);
        long n = (Long) a[2], sample = (Long) a[3];
        float alpha = (Float) a[4], beta = (Float) a[11];
        Tensor x = (Tensor) a[5], dy = (Tensor) a[9], dx = (Tensor) a[12];
        long xs = (Long) a[6], dys = (Long) a[10], dxs = (Long) a[13];
        for (long i = 0; i < n; i++) {
            long di = bidx(i, sample, dxs);
            float g = backwardValue(kind, get(x, bidx(i, sample, xs)), get(dy, bidx(i, sample, dys)));
            set(dx, di, blend(alpha, g, beta, get(dx, di)));
        }
    }

    /** Element {@code index} counted from the tensor's first element, as the kernel's pointer arithmetic does. */
    private static float get(Tensor t, long index) {
        return t.buffer().hostSegment().getAtIndex(ValueLayout.JAVA_FLOAT, t.offset() + index);
    }

    private static void set(Tensor t, long index, float v) {
        t.buffer().hostSegment().setAtIndex(ValueLayout.JAVA_FLOAT, t.offset() + index, v);
    }

    // ---- data ----

    private static Shape wideShape() {
        return SHAPE.with(1, WIDE_CHANNELS);
    }

    private static Tensor slice(Tensor wide) {
        return wide.narrow(1, 2, SHAPE.dim(1));
    }

    /** The concat buffer's other channels, which a kernel on the slice must not touch. */
    private static float[] wideOutsideSlice(Tensor wide) {
        float[] all = wide.toFloatArray();
        int inner = 15, keep = 0;
        float[] out = new float[all.length - (int) SHAPE.numel()];
        for (int i = 0; i < all.length; i++) {
            int c = (i / inner) % WIDE_CHANNELS;
            if (c < 2 || c >= 6) out[keep++] = all[i];
        }
        return out;
    }

    /** Values over [-8, 8] with the kinks, -0, a tiny positive value and NaN planted. */
    private static float[] inputs() {
        float[] x = values(11);
        for (int i = 0; i < x.length; i++) x[i] *= 8;
        float[] planted = {0f, -0f, 6f, -6f, 1e-30f, Float.NaN, 5.9999995f, 6.0000005f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < planted.length; i++) x[i * 7] = planted[i];
        return x;
    }

    private static float[] values(long seed) {
        var r = new java.util.SplittableRandom(seed);
        float[] v = new float[(int) SHAPE.numel()];
        for (int i = 0; i < v.length; i++) v[i] = (float) (2 * r.nextDouble() - 1);
        return v;
    }

    private static void assertBitsEqual(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])
                    && !(Float.isNaN(expected[i]) && Float.isNaN(actual[i]))) {
                fail(what + ": element " + i + " expected " + expected[i] + ", got " + actual[i]);
            }
        }
    }
}
