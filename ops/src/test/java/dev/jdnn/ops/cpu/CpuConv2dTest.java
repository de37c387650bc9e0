package dev.jdnn.ops.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dSpec;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuConv2d against float64 references: the forward pass against a naive direct convolution; the three
 * gradients against central finite differences of L = sum(conv(x, w, b) * r) for a random r (L is linear in each
 * argument, so the differences are exact up to float64 rounding). Forward tolerance 1e-5 * (1 + |y|) * sqrt(terms);
 * gradient tolerance 1e-4 * (1 + |g|) (float32 sums of up to a few hundred terms of magnitude <= 1).
 */
class CpuConv2dTest {

    static Stream<Arguments> specs() {
        return Stream.of(
                // N, C, H, W, K, kh, kw, sh, sw, ph, pw, dh, dw, groups, bias ; views
                Arguments.of("groups 1, stride 2, pad 1, dilation 2", new Conv2dSpec(3, 5, 7, 9, 4, 3, 3, 2, 2, 1, 1, 2, 2, 1, true), true),
                Arguments.of("3x3 same padding", new Conv2dSpec(3, 5, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 1, true), false),
                Arguments.of("groups 2, 3x2 kernel, mixed stride/pad/dilation", new Conv2dSpec(3, 6, 7, 9, 4, 3, 2, 2, 1, 1, 0, 2, 1, 2, true), true),
                Arguments.of("groups 3", new Conv2dSpec(3, 6, 7, 9, 9, 3, 3, 1, 2, 1, 1, 1, 1, 3, false), false),
                Arguments.of("depthwise, stride 2, pad 1, dilation 2", new Conv2dSpec(3, 6, 7, 9, 6, 3, 3, 2, 2, 1, 1, 2, 2, 6, true), true),
                Arguments.of("depthwise, multiplier 2", new Conv2dSpec(3, 6, 7, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 6, false), false),
                Arguments.of("pointwise 1x1", new Conv2dSpec(3, 5, 7, 9, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1, true), true),
                Arguments.of("pointwise 1x1, groups 2", new Conv2dSpec(3, 6, 7, 9, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, false), false),
                Arguments.of("1x1 stride 2", new Conv2dSpec(3, 5, 7, 9, 4, 1, 1, 2, 2, 0, 0, 1, 1, 1, false), true),
                Arguments.of("batch 1, 5x5", new Conv2dSpec(1, 5, 7, 9, 3, 5, 5, 1, 1, 2, 2, 1, 1, 1, true), true),
                Arguments.of("bigger, batch 2: parallel over samples", new Conv2dSpec(2, 16, 20, 24, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, true), true),
                Arguments.of("bigger, batch 1: parallel GEMM inside", new Conv2dSpec(1, 16, 12, 12, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, true), false),
                Arguments.of("bigger depthwise", new Conv2dSpec(2, 32, 14, 14, 32, 3, 3, 1, 1, 1, 1, 1, 1, 32, true), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void forwardAndGradientsMatchFloat64(String name, Conv2dSpec s, boolean views) {
        boolean small = s.inputShape().numel() < 2000;
        try (TestTensors t = new TestTensors(name.hashCode()); CpuConv2d plan = new CpuConv2d(s)) {
            double[] x = t.random(s.inputShape().numel()), w = t.random(s.weightShape().numel());
            double[] b = s.bias() ? t.random(s.outChannels()) : null, r = t.random(s.outputShape().numel());
            Tensor xt = t.tensor(s.inputShape(), x, views), wt = t.tensor(s.weightShape(), w, false);
            Tensor bt = b == null ? null : t.tensor(s.biasShape(), b, false), rt = t.tensor(s.outputShape(), r, views);
            int terms = s.inChannels() / s.groups() * s.kernelH() * s.kernelW();
            DoubleUnaryOperator fwdTol = v -> 1e-5 * (1 + v) * Math.sqrt(terms);
            DoubleUnaryOperator gradTol = v -> 1e-4 * (1 + v);

            t.checkOp("forward", s.outputShape(), views, forward(s, x, w, b), fwdTol,
                    (alpha, beta, y) -> plan.forward(alpha, xt, wt, bt, beta, y, null));

            // dL/dx etc. where L = sum(y * r): the backward calls get dy = r.
            double[][] grads = small
                    ? new double[][] {TestTensors.gradient(x, () -> loss(s, x, w, b, r)), TestTensors.gradient(w, () -> loss(s, x, w, b, r)),
                                      b == null ? null : TestTensors.gradient(b, () -> loss(s, x, w, b, r))}
                    : adjoint(s, x, w, r);
            t.checkOp("backward data", s.inputShape(), views, grads[0], gradTol,
                    (alpha, beta, out) -> plan.backwardData(alpha, rt, wt, beta, out, null));
            t.checkOp("backward filter", s.weightShape(), false, grads[1], gradTol,
                    (alpha, beta, out) -> plan.backwardFilter(alpha, xt, rt, beta, out, null));
            if (b != null) {
                t.checkOp("backward bias", s.biasShape(), false, grads[2], gradTol,
                        (alpha, beta, out) -> plan.backwardBias(alpha, rt, beta, out));
            }
        }
    }

    /** Naive float64 convolution, straight from the definition. */
    static double[] forward(Conv2dSpec s, double[] x, double[] w, double[] b) {
        int cg = s.inChannels() / s.groups(), kg = s.outChannels() / s.groups(), p = s.outHeight(), q = s.outWidth();
        double[] y = new double[Math.toIntExact(s.outputShape().numel())];
        for (int n = 0; n < s.batch(); n++)
            for (int k = 0; k < s.outChannels(); k++)
                for (int oh = 0; oh < p; oh++)
                    for (int ow = 0; ow < q; ow++) {
                        double sum = b == null ? 0 : b[k];
                        int g = k / kg;
                        for (int c = 0; c < cg; c++)
                            for (int r = 0; r < s.kernelH(); r++)
                                for (int v = 0; v < s.kernelW(); v++) {
                                    int ih = oh * s.strideH() - s.padH() + r * s.dilationH();
                                    int iw = ow * s.strideW() - s.padW() + v * s.dilationW();
                                    if (ih < 0 || ih >= s.height() || iw < 0 || iw >= s.width()) continue;
                                    sum += x[((n * s.inChannels() + g * cg + c) * s.height() + ih) * s.width() + iw]
                                            * w[((k * cg + c) * s.kernelH() + r) * s.kernelW() + v];
                                }
                        y[((n * s.outChannels() + k) * p + oh) * q + ow] = sum;
                    }
        return y;
    }

    static double loss(Conv2dSpec s, double[] x, double[] w, double[] b, double[] r) {
        double[] y = forward(s, x, w, b);
        double l = 0;
        for (int i = 0; i < y.length; i++) l += y[i] * r[i];
        return l;
    }

    /**
     * {dL/dx, dL/dw, dL/db} for the shape too big for per-element finite differences: the float64 adjoint of
     * {@link #forward} (the same loops, accumulating backwards), itself checked against finite differences by the
     * smaller cases of this test.
     */
    static double[][] adjoint(Conv2dSpec s, double[] x, double[] w, double[] dy) {
        int cg = s.inChannels() / s.groups(), kg = s.outChannels() / s.groups(), p = s.outHeight(), q = s.outWidth();
        double[] dx = new double[x.length], dw = new double[w.length], db = new double[s.outChannels()];
        for (int n = 0; n < s.batch(); n++)
            for (int k = 0; k < s.outChannels(); k++)
                for (int oh = 0; oh < p; oh++)
                    for (int ow = 0; ow < q; ow++) {
                        double g = dy[((n * s.outChannels() + k) * p + oh) * q + ow];
                        db[k] += g;
                        for (int c = 0; c < cg; c++)
                            for (int r = 0; r < s.kernelH(); r++)
                                for (int v = 0; v < s.kernelW(); v++) {
                                    int ih = oh * s.strideH() - s.padH() + r * s.dilationH();
                                    int iw = ow * s.strideW() - s.padW() + v * s.dilationW();
                                    if (ih < 0 || ih >= s.height() || iw < 0 || iw >= s.width()) continue;
                                    int xi = ((n * s.inChannels() + k / kg * cg + c) * s.height() + ih) * s.width() + iw;
                                    int wi = ((k * cg + c) * s.kernelH() + r) * s.kernelW() + v;
                                    dx[xi] += g * w[wi];
                                    dw[wi] += g * x[xi];
                                }
                    }
        return new double[][] {dx, dw, db};
    }

    // ---- bad input ----------------------------------------------------------------------------------------------

    private static final Conv2dSpec SPEC = new Conv2dSpec(3, 5, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);

    @Test
    void rejectsMismatchedShapeNamingBoth() {
        try (Tensor x = Tensor.zerosHost(Shape.of(3, 5, 7, 8)); Tensor w = Tensor.zerosHost(SPEC.weightShape());
             Tensor y = Tensor.zerosHost(SPEC.outputShape())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CpuConv2d(SPEC).forward(1f, x, w, null, 0f, y, null));
            assertEquals("conv2d input: expected shape [3, 5, 7, 9], got [3, 5, 7, 8]", e.getMessage());
        }
    }

    @Test
    void rejectsWrongDType() {
        try (Tensor x = Tensor.zerosHost(SPEC.inputShape());
             Tensor w = Tensor.allocate(HostAllocator.global(), SPEC.weightShape(), DType.INT32);
             Tensor y = Tensor.zerosHost(SPEC.outputShape())) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CpuConv2d(SPEC).forward(1f, x, w, null, 0f, y, null));
            assertTrue(e.getMessage().startsWith("conv2d weight: expected a float32 tensor, got int32[4, 5, 3, 3]"), e.getMessage());
        }
    }

    @Test
    void rejectsOperandStridedWithinASample() {
        try (Tensor big = Tensor.zerosHost(Shape.of(3, 5, 7, 18)); Tensor w = Tensor.zerosHost(SPEC.weightShape());
             Tensor y = Tensor.zerosHost(SPEC.outputShape())) {
            Tensor x = big.step(3, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CpuConv2d(SPEC).forward(1f, x, w, null, 0f, y, null));
            assertTrue(e.getMessage().startsWith("conv2d input: expected a contiguous or batch-strided tensor"), e.getMessage());
        }
    }

    @Test
    void specRejectsGroupsNotDividingChannelsAndOversizedKernel() {
        IllegalArgumentException groups = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dSpec(3, 6, 7, 9, 4, 3, 3, 1, 1, 1, 1, 1, 1, 4, false));
        assertEquals("conv2d: groups=4 must divide both inChannels=6 and outChannels=4", groups.getMessage());
        IllegalArgumentException kernel = assertThrows(IllegalArgumentException.class,
                () -> new Conv2dSpec(3, 5, 7, 9, 4, 5, 5, 1, 1, 0, 0, 2, 2, 1, false));
        assertEquals("conv2d: kernel 5x5 (dilated 9x9) is larger than the padded input 7x9", kernel.getMessage());
    }
}
