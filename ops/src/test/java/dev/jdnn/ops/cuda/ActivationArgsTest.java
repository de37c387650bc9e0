package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The ReLU and ReLU6 kernels checked without a GPU: their launch arguments against activations.cu's signatures, and
 * the kernels themselves emulated in Java — the grid-stride loop, common.cuh's Walk/Ref addressing (posOf, offOf,
 * at), its float32/bfloat16/float16 loads and rounding stores, the blend, and the ReLU/ReLU6 expressions, all
 * transcribed from the source (the test fails if the source changes) — on host tensors laid out as the graph lays them
 * out on the GPU, in both memory formats and all three storage types: a channel slice of a concat buffer
 * (batch-strided NCHW, pixel-strided NHWC), the same buffer as input and output (in place), dx aliasing dy. The
 * emulation must give the CPU backend's results bit for bit, kinks, -0 and NaN included.
 */
class ActivationArgsTest {
    private static final String SOURCE = KernelCache.source(KernelFile.ACTIVATIONS);
    private static final KernelSignature FORWARD = KernelSignature.parse(SOURCE, Kernel.ACTIVATION_FORWARD.name());
    private static final KernelSignature BACKWARD = KernelSignature.parse(SOURCE, Kernel.ACTIVATION_BACKWARD.name());
    private static final CpuBackend CPU = new CpuBackend();
    private static final Shape SHAPE = Shape.of(2, 4, 3, 5);
    private static final int WIDE_CHANNELS = 7; // the concat buffer the slice [:, 2:6] lives in

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Activation kind : new Activation[]{Activation.RELU, Activation.RELU6}) {
            for (MemoryFormat f : MemoryFormat.values()) {
                for (DType t : new DType[]{DType.FLOAT32, DType.BFLOAT16, DType.FLOAT16}) out.add(Arguments.of(kind, OperandType.of(f, t)));
            }
        }
        return out;
    }

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
        OperandType nchw = OperandType.DEFAULT, nhwc = OperandType.of(MemoryFormat.NHWC, DType.BFLOAT16);
        try (Tensor wide = make(wideShape(), nchw); Tensor y = make(SHAPE, nchw)) {
            Tensor x = slice(wide);
            Object[] f = CudaActivations.forwardArgs(Activation.RELU6, 0f, nchw, 1f, x, 0f, y);
            FORWARD.check(f);
            assertEquals(7, f[0], "RELU6's code");
            assertEquals(new KernelOperands.Walk(2, 4, 15, false, false), f[2], "pixels fastest; x not packed");
            assertEquals(new KernelOperands.Ref(x.address(), 105, 15, 1, 0), f[4], "x: a batch stride of 7 channels of 15");
            assertEquals(new KernelOperands.Ref(y.address(), 60, 15, 1, 0), f[6]);
            Object[] b = CudaActivations.backwardArgs(Activation.RELU, 0f, nchw, 1f, x, x, y, 0f, y);
            BACKWARD.check(b);
            assertEquals(f[2], b[2]);
        }
        try (Tensor wide = make(wideShape(), nhwc); Tensor y = make(SHAPE, nhwc)) {
            Tensor x = slice(wide);
            Object[] f = CudaActivations.forwardArgs(Activation.RELU, 0f, nhwc, 1f, x, 0f, y);
            FORWARD.check(f);
            assertEquals(new KernelOperands.Walk(2, 4, 15, true, false), f[2], "channels fastest; x not packed");
            assertEquals(new KernelOperands.Ref(x.address(), 105, 1, 7, 1), f[4], "x: 7 channels per pixel, bfloat16");
            assertEquals(new KernelOperands.Walk(2, 4, 15, true, true), CudaActivations.forwardArgs(Activation.RELU, 0f, nhwc, 1f, y, 0f, y)[2]);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void emulatedKernelsEqualTheCpuBackendOnSlicesAndInPlace(Activation kind, OperandType type) {
        float[] x = inputs(), dy = values(17), y0 = values(29);
        // {0.7, 0.3}: products that round, so the order of the roundings in the blend shows
        for (float[] alphaBeta : new float[][]{{1f, 0f}, {0.5f, -2f}, {0.7f, 0.3f}}) {
            float alpha = alphaBeta[0], beta = alphaBeta[1];
            // forward: x a channel slice, y packed
            try (Tensor wideX = make(wideShape(), type); Tensor y = make(SHAPE, type);
                 Tensor cx = make(SHAPE, type); Tensor cy = make(SHAPE, type); ActivationPlan cpu = CPU.activation(kind, 0f, SHAPE, type)) {
                Tensor sx = slice(wideX);
                sx.copyFrom(x);
                cx.copyFrom(x);
                y.copyFrom(y0);
                cy.copyFrom(y0);
                forward(kind, CudaActivations.forwardArgs(kind, 0f, type, alpha, sx, beta, y));
                cpu.forward(alpha, cx, beta, cy);
                assertBitsEqual(kind + " " + type + " forward (strided x), alpha " + alpha + " beta " + beta, cy.toFloatArray(), y.toFloatArray());
            }
            // forward in place on a channel slice (the graph's in-place ReLU on a concat part)
            try (Tensor wide = make(wideShape(), type); Tensor cy = make(SHAPE, type); ActivationPlan cpu = CPU.activation(kind, 0f, SHAPE, type)) {
                wide.copyFrom(values(wide.numel(), 41));
                Tensor s = slice(wide);
                s.copyFrom(x);
                cy.copyFrom(x);
                float[] outside = outsideSlice(wide);
                forward(kind, CudaActivations.forwardArgs(kind, 0f, type, 1f, s, 0f, s));
                cpu.forward(1f, cy, 0f, cy);
                assertBitsEqual(kind + " " + type + " in place", cy.toFloatArray(), s.toFloatArray());
                assertBitsEqual(kind + " " + type + " in place: the channels outside the slice", outside, outsideSlice(wide));
            }
            // backward: x and y one buffer (the forward ran in place), dy a channel slice, dx aliasing dy
            try (Tensor wideX = make(wideShape(), type); Tensor wideD = make(wideShape(), type);
                 Tensor cy = make(SHAPE, type); Tensor cd = make(SHAPE, type); ActivationPlan cpu = CPU.activation(kind, 0f, SHAPE, type)) {
                Tensor sx = slice(wideX), sd = slice(wideD);
                sx.copyFrom(x);
                sd.copyFrom(dy);
                cy.copyFrom(x);
                cd.copyFrom(dy);
                forward(kind, CudaActivations.forwardArgs(kind, 0f, type, 1f, sx, 0f, sx));
                backward(kind, CudaActivations.backwardArgs(kind, 0f, type, alpha, sx, sx, sd, beta, sd));
                cpu.forward(1f, cy, 0f, cy);
                cpu.backward(alpha, cy, cy, cd, beta, cd); // the graph passes y for x after an in-place forward
                assertBitsEqual(kind + " " + type + " backward in place, dx aliasing dy, alpha " + alpha + " beta " + beta, cd.toFloatArray(), sd.toFloatArray());
            }
        }
    }

    static List<Arguments> kinkCases() {
        return cases().stream().filter(a -> ((OperandType) a.get()[1]).format() == MemoryFormat.NCHW).toList();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("kinkCases")
    void kinksFollowPyTorch(Activation kind, OperandType type) {
        // PyTorch: relu' = 0 at 0 (threshold_backward); relu6 = hardtanh(0, 6), whose backward is 0 for x <= 0 and x >= 6.
        // 5.9999995 is below 6 in float32 but rounds to 6 in bfloat16 and float16: its gate follows the stored value.
        float[] x = {-1f, -0f, 0f, 1e-30f, 3f, 5.9999995f, 6f, 7f, Float.NaN};
        boolean rounds = type.dtype() != DType.FLOAT32;
        float[] expected = kind == Activation.RELU ? new float[]{0, 0, 0, type.dtype() == DType.FLOAT16 ? 0 : 1, 1, 1, 1, 1, 0}
                : new float[]{0, 0, 0, type.dtype() == DType.FLOAT16 ? 0 : 1, 1, rounds ? 0 : 1, 0, 0, 0};
        Shape s = Shape.of(1, x.length);
        float[] ones = new float[x.length];
        java.util.Arrays.fill(ones, 1f);
        try (Tensor tx = make(s, type); Tensor dy = make(s, type); Tensor dx = make(s, type)) {
            tx.copyFrom(x);
            dy.copyFrom(ones);
            backward(kind, CudaActivations.backwardArgs(kind, 0f, type, 1f, tx, tx, dy, 0f, dx));
            assertBitsEqual(kind + " " + type.dtype() + " derivative at the kinks (1e-30 is 0 in float16)", expected, dx.toFloatArray());
        }
    }

    // ---- the emulation ----

    /** The kernel's ReLU / ReLU6 value, transcribed from the source. */
    private static float act(Activation kind, float x) {
        String relu = "case ACT_RELU: return x > 0.f ? x : (x != x ? x : 0.f);";
        String relu6 = "case ACT_RELU6: return x > 0.f ? fminf(x, 6.f) : (x != x ? x : 0.f);";
        assertTrue(SOURCE.contains(relu) && SOURCE.contains(relu6), "activations.cu's ReLU/ReLU6 forward changed: update this emulation");
        if (kind == Activation.RELU) return x > 0f ? x : (x != x ? x : 0f);
        return x > 0f ? Math.min(x, 6f) : (x != x ? x : 0f); // fminf = Math.min here: x > 0 held, so x is not NaN
    }

    /** The kernel's ReLU / ReLU6 backward: dy where the gate is open, else +0. */
    private static float backwardValue(Activation kind, float x, float dy) {
        String relu = "case ACT_RELU: return x > 0.f ? dy : 0.f;";
        String relu6 = "case ACT_RELU6: return (x > 0.f && x < 6.f) ? dy : 0.f;";
        assertTrue(SOURCE.contains(relu) && SOURCE.contains(relu6), "activations.cu's ReLU/ReLU6 backward changed: update this emulation");
        if (kind == Activation.RELU) return x > 0f ? dy : 0f;
        return (x > 0f && x < 6f) ? dy : 0f;
    }

    /**
     * common.cuh's blend: alpha * v rounded, beta * old added by a fused multiply-add (its intrinsics are never
     * contracted, so this is the order the GPU runs); beta == 0 ignores the old value.
     */
    private static float blend(float alpha, float v, float beta, float old) {
        assertTrue(SOURCE.contains("float scaled = __fmul_rn(alpha, v);") && SOURCE.contains("return beta == 0.f ? scaled : __fmaf_rn(beta, old, scaled);"),
                "common.cuh's blend changed: update this emulation");
        float scaled = alpha * v;
        return beta == 0f ? scaled : Math.fma(beta, old, scaled);
    }

    private record Pos(long b, long ch, long px) {}

    /** common.cuh's posOf: channels fastest for a channels-last walk, pixels fastest otherwise. */
    private static Pos posOf(KernelOperands.Walk w, long i) {
        assertTrue(SOURCE.contains("if (w.channelsLast) { q.ch = i % w.C; i64 r = i / w.C; q.px = r % w.HW; q.b = r / w.HW; }")
                && SOURCE.contains("else { q.px = i % w.HW; i64 r = i / w.HW; q.ch = r % w.C; q.b = r / w.C; }"), "common.cuh's posOf changed: update this emulation");
        if (w.channelsLast()) return new Pos(i / w.c() / w.hw(), i % w.c(), (i / w.c()) % w.hw());
        return new Pos(i / w.hw() / w.c(), (i / w.hw()) % w.c(), i % w.hw());
    }

    /** common.cuh's at and offOf: the offset of walk element i in an operand. */
    private static long at(KernelOperands.Walk w, KernelOperands.Ref r, long i) {
        assertTrue(SOURCE.contains("return q.b * r.n + q.ch * r.c + q.px * r.s;") && SOURCE.contains("return w.dense ? i : offOf(r, posOf(w, i));"),
                "common.cuh's offOf/at changed: update this emulation");
        if (w.dense()) return i;
        Pos q = posOf(w, i);
        return q.b() * r.n() + q.ch() * r.c() + q.px() * r.s();
    }

    /** The kernel's memory: a host tensor's, addressed as the GPU addresses device memory. */
    private static MemorySegment memory(KernelOperands.Ref r) {
        return MemorySegment.ofAddress(r.address()).reinterpret(Long.MAX_VALUE);
    }

    /** common.cuh's load. */
    private static float get(KernelOperands.Ref r, long o) {
        return switch (r.type()) {
            case 1 -> Float.intBitsToFloat((memory(r).getAtIndex(ValueLayout.JAVA_SHORT, o) & 0xffff) << 16);
            case 2 -> Float.float16ToFloat(memory(r).getAtIndex(ValueLayout.JAVA_SHORT, o));
            default -> memory(r).getAtIndex(ValueLayout.JAVA_FLOAT, o);
        };
    }

    /** common.cuh's store: bfloat16 by its integer rounding (transcribed), float16 by cvt.rn (IEEE round to nearest even). */
    private static void put(KernelOperands.Ref r, long o, float v) {
        switch (r.type()) {
            case 1 -> memory(r).setAtIndex(ValueLayout.JAVA_SHORT, o, floatToBf16(v));
            case 2 -> {
                assertTrue(SOURCE.contains("asm(\"cvt.rn.f16.f32 %0, %1;\""), "common.cuh's float16 store changed: update this emulation");
                memory(r).setAtIndex(ValueLayout.JAVA_SHORT, o, Float.floatToFloat16(v));
            }
            default -> memory(r).setAtIndex(ValueLayout.JAVA_FLOAT, o, v);
        }
    }

    private static short floatToBf16(float f) {
        assertTrue(SOURCE.contains("if ((b & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((b >> 16) | 0x0040u);")
                && SOURCE.contains("return (unsigned short)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);"), "common.cuh's floatToBf16 changed: update this emulation");
        int b = Float.floatToRawIntBits(f);
        if ((b & 0x7fffffff) > 0x7f800000) return (short) ((b >>> 16) | 0x0040);
        return (short) ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16);
    }

    /** activation_forward, one thread after another (each reads its element before writing it, as on the GPU). */
    private static void forward(Activation kind, Object[] a) {
        FORWARD.check(a);
        assertEquals(CudaActivations.kernelCode(kind), a[0]);
        var w = (KernelOperands.Walk) a[2];
        float alpha = (Float) a[3], beta = (Float) a[5];
        var x = (KernelOperands.Ref) a[4];
        var y = (KernelOperands.Ref) a[6];
        for (long i = 0; i < w.count(); i++) {
            long yi = at(w, y, i);
            float old = beta == 0f ? 0f : get(y, yi);
            put(y, yi, blend(alpha, act(kind, get(x, at(w, x, i))), beta, old));
        }
    }

    private static void backward(Activation kind, Object[] a) {
        BACKWARD.check(a);
        var w = (KernelOperands.Walk) a[2];
        float alpha = (Float) a[3], beta = (Float) a[7];
        var x = (KernelOperands.Ref) a[4];
        var dy = (KernelOperands.Ref) a[6];
        var dx = (KernelOperands.Ref) a[8];
        for (long i = 0; i < w.count(); i++) {
            long di = at(w, dx, i);
            float g = backwardValue(kind, get(x, at(w, x, i)), get(dy, at(w, dy, i)));
            float old = beta == 0f ? 0f : get(dx, di);
            put(dx, di, blend(alpha, g, beta, old));
        }
    }

    // ---- data ----

    private static Tensor make(Shape s, OperandType type) {
        Tensor t = Tensor.allocate(HostAllocator.global(), s, type.dtype(), s.rank() == 4 ? type.format() : MemoryFormat.NCHW);
        t.buffer().hostSegment().fill((byte) 0);
        return t;
    }

    private static Shape wideShape() {
        return SHAPE.with(1, WIDE_CHANNELS);
    }

    private static Tensor slice(Tensor wide) {
        return wide.narrow(1, 2, SHAPE.dim(1));
    }

    /** The concat buffer's other channels (logical order), which a kernel on the slice must not touch. */
    private static float[] outsideSlice(Tensor wide) {
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
        float[] x = values(SHAPE.numel(), 11);
        for (int i = 0; i < x.length; i++) x[i] *= 8;
        float[] planted = {0f, -0f, 6f, -6f, 1e-30f, Float.NaN, 5.9999995f, 6.0000005f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int i = 0; i < planted.length; i++) x[i * 7] = planted[i];
        return x;
    }

    private static float[] values(long seed) {
        return values(SHAPE.numel(), seed);
    }

    private static float[] values(long n, long seed) {
        var r = new java.util.SplittableRandom(seed);
        float[] v = new float[(int) n];
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
