package dev.jdnn.ops.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LinearSpec;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * CpuLinear: forward against a float64 x·Wᵀ + b, gradients against central finite differences of
 * L = sum(y * r). Tolerances as in {@link CpuConv2dTest}.
 */
class CpuLinearTest {

    @ParameterizedTest(name = "batch={0} in={1} out={2} bias={3} views={4}")
    @CsvSource({
            "3, 13, 7, true, true",
            "1, 5, 3, false, false",
            "9, 70, 40, true, false",   // large enough for the GEMM to fan out
    })
    void forwardAndGradientsMatchFloat64(int batch, int in, int out, boolean bias, boolean views) {
        LinearSpec s = new LinearSpec(batch, in, out, bias);
        try (TestTensors t = new TestTensors(batch * 1000L + in * 10L + out); CpuLinear plan = new CpuLinear(s)) {
            double[] x = t.random(batch * in), w = t.random(out * in), b = bias ? t.random(out) : null, r = t.random(batch * out);
            Tensor xt = t.tensor(s.inputShape(), x, views), wt = t.tensor(s.weightShape(), w, false);
            Tensor bt = b == null ? null : t.tensor(s.biasShape(), b, false), rt = t.tensor(s.outputShape(), r, views);
            DoubleUnaryOperator fwdTol = v -> 1e-5 * (1 + v) * Math.sqrt(in);
            DoubleUnaryOperator gradTol = v -> 1e-4 * (1 + v);

            t.checkOp("forward", s.outputShape(), views, forward(s, x, w, b), fwdTol,
                    (alpha, beta, y) -> plan.forward(alpha, xt, wt, bt, beta, y));
            t.checkOp("backward data", s.inputShape(), views, TestTensors.gradient(x, () -> loss(s, x, w, b, r)), gradTol,
                    (alpha, beta, dx) -> plan.backwardData(alpha, rt, wt, beta, dx));
            t.checkOp("backward weight", s.weightShape(), false, TestTensors.gradient(w, () -> loss(s, x, w, b, r)), gradTol,
                    (alpha, beta, dw) -> plan.backwardWeight(alpha, xt, rt, beta, dw));
            if (bias) {
                t.checkOp("backward bias", s.biasShape(), false, TestTensors.gradient(b, () -> loss(s, x, w, b, r)), gradTol,
                        (alpha, beta, db) -> plan.backwardBias(alpha, rt, beta, db));
            }
        }
    }

    static double[] forward(LinearSpec s, double[] x, double[] w, double[] b) {
        double[] y = new double[s.batch() * s.outFeatures()];
        for (int n = 0; n < s.batch(); n++)
            for (int o = 0; o < s.outFeatures(); o++) {
                double sum = b == null ? 0 : b[o];
                for (int i = 0; i < s.inFeatures(); i++) sum += x[n * s.inFeatures() + i] * w[o * s.inFeatures() + i];
                y[n * s.outFeatures() + o] = sum;
            }
        return y;
    }

    static double loss(LinearSpec s, double[] x, double[] w, double[] b, double[] r) {
        double[] y = forward(s, x, w, b);
        double l = 0;
        for (int i = 0; i < y.length; i++) l += y[i] * r[i];
        return l;
    }

    @Test
    void rejectsMismatchedShapeAndDType() {
        LinearSpec s = new LinearSpec(4, 6, 3, false);
        try (Tensor x = Tensor.zerosHost(Shape.of(4, 5)); Tensor w = Tensor.zerosHost(s.weightShape()); Tensor y = Tensor.zerosHost(s.outputShape());
             Tensor wi = Tensor.allocate(HostAllocator.global(), s.weightShape(), DType.INT32)) {
            IllegalArgumentException shape = assertThrows(IllegalArgumentException.class, () -> new CpuLinear(s).forward(1f, x, w, null, 0f, y));
            assertEquals("linear input: expected shape [4, 6], got [4, 5]", shape.getMessage());
            IllegalArgumentException dtype = assertThrows(IllegalArgumentException.class, () -> new CpuLinear(s).backwardData(1f, y, wi, 0f, x));
            assertTrue(dtype.getMessage().startsWith("linear weight: expected a float32 tensor, got int32[3, 6]"), dtype.getMessage());
        }
    }
}
