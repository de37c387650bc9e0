package dev.jdnn.ops.cpu;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.LrnSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.PoolSpec;
import dev.jdnn.ops.testing.BackendParityFixtures;
import dev.jdnn.ops.testing.Rand;

import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static dev.jdnn.ops.testing.BackendParityFixtures.NCHW;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Float32 in NHWC gives the CPU backend's NCHW results bit for bit: the arithmetic is the same (channels-last operands
 * are computed in NCHW order on converted scratch, or, for elementwise ops on densely packed operands, element by
 * element in memory order), so anything but equality would be a layout bug. Densely packed and strided (pixel-strided
 * NHWC against batch-strided NCHW) operands alike.
 */
class CpuLayoutEqualityTest {
    private static final OperandType NHWC = OperandType.of(MemoryFormat.NHWC, DType.FLOAT32);
    private final CpuBackend cpu = new CpuBackend();

    /** Runs {@code op} with NCHW fixtures and with NHWC ones, views and not, and requires identical arrays. */
    private void same(String what, Function<BackendParityFixtures, float[][]> op) {
        float[][] nchw, nhwc;
        try (var f = new BackendParityFixtures(cpu)) {
            nchw = op.apply(f);
        }
        try (var f = new BackendParityFixtures(cpu, NHWC)) {
            nhwc = op.apply(f);
        }
        for (int i = 0; i < nchw.length; i++) assertArrayEquals(nchw[i], nhwc[i], what + " result " + i);
    }

    private static final float[] X = Rand.uniform(1, (int) NCHW.numel()), G = Rand.uniform(2, (int) NCHW.numel());

    @Test
    void convolutionsAreBitIdentical() {
        for (Conv2dSpec s : new Conv2dSpec[] {new Conv2dSpec(3, 5, 7, 9, 4, 3, 3, 2, 2, 1, 1, 1, 1, 1, true),
                new Conv2dSpec(3, 6, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 3, false), new Conv2dSpec(3, 6, 7, 9, 6, 3, 3, 1, 1, 1, 1, 1, 1, 6, false)}) {
            float[] x = Rand.uniform(3, (int) s.inputShape().numel()), w = Rand.uniform(4, (int) s.weightShape().numel());
            float[] b = Rand.uniform(5, s.outChannels()), dy = Rand.uniform(6, (int) s.outputShape().numel());
            for (boolean strided : new boolean[] {false, true}) {
                same(s + " strided=" + strided, f -> {
                    try (Conv2dPlan plan = cpu.conv2d(s.with(f.type()))) {
                        Tensor y = f.actOutput(s.outputShape(), strided), dx = f.actOutput(s.inputShape(), strided);
                        Tensor dw = f.output(s.weightShape(), f.type().format()), tw = f.act(s.weightShape(), w, false);
                        Tensor tx = f.act(s.inputShape(), x, strided), tdy = f.act(s.outputShape(), dy, strided);
                        plan.forward(1f, tx, tw, s.bias() ? f.tensor(s.biasShape(), b) : null, 0f, y);
                        plan.backwardData(1f, tdy, tw, 0f, dx);
                        plan.backwardFilter(1f, tx, tdy, 0f, dw);
                        return new float[][] {f.get(y), f.get(dx), f.get(dw)};
                    }
                });
            }
        }
    }

    @Test
    void normalisationPoolingAndActivationsAreBitIdentical() {
        BatchNormSpec bn = new BatchNormSpec(NCHW, 1e-5, 0.1);
        float[] gamma = Rand.uniform(7, 5, 0.5, 1.5), beta = Rand.uniform(8, 5), ones = {1, 1, 1, 1, 1}, zeros = new float[5];
        for (boolean strided : new boolean[] {false, true}) {
            same("batch norm, strided=" + strided, f -> {
                var r = f.batchNormTraining(bn, X, gamma, beta, zeros, ones, strided);
                float[][] g = f.batchNormBackward(bn, X, gamma, beta, G, strided);
                return new float[][] {r.y(), r.saveMean(), r.saveInvStd(), r.runningVar(), g[0], g[1], g[2],
                        f.batchNormInference(bn, X, gamma, beta, zeros, ones, strided)};
            });
            for (PoolSpec p : new PoolSpec[] {PoolSpec.max(NCHW, 3, 2, 1, true), PoolSpec.avg(NCHW, 3, 2, 1, false, false), PoolSpec.adaptiveAvg(NCHW, 2, 3)}) {
                float[] dy = Rand.uniform(9, (int) p.outputShape().numel());
                same(p + " strided=" + strided, f -> new float[][] {f.poolForward(p, X, strided), f.poolBackward(p, X, dy, strided)});
            }
            for (Activation a : Activation.values()) {
                same(a + " strided=" + strided, f -> new float[][] {f.activationForward(a, 0.1f, NCHW, X, strided),
                        f.activationBackward(a, 0.1f, NCHW, X, G, strided)});
            }
            LrnSpec lrn = new LrnSpec(NCHW, 3, 1e-2, 0.75, 2);
            same("lrn strided=" + strided, f -> new float[][] {f.lrnForward(lrn, X, strided), f.lrnBackward(lrn, X, G, strided)});
        }
    }

    @Test
    void pointwiseLayoutAndRandomOpsAreBitIdentical() {
        Shape gate = Shape.of(3, 5, 1, 1);
        float[] s = Rand.uniform(10, 15), bias = Rand.uniform(11, 5);
        for (boolean strided : new boolean[] {false, true}) {
            same("pointwise strided=" + strided, f -> {
                Tensor a = f.act(NCHW, X, strided), b = f.act(NCHW, G, strided), c = f.actOutput(NCHW, strided);
                cpu.add(a, b, c);
                Tensor scaled = f.act(NCHW, G, strided);
                cpu.addScaled(0.3f, a, -2f, scaled);
                Tensor gated = f.actOutput(NCHW, strided), ts = f.act(gate, s, false);
                cpu.scaleChannels(a, ts, gated);
                Tensor dx = f.act(NCHW, G, strided), ds = f.actOutput(gate, false);
                cpu.scaleChannelsBackward(a, ts, b, 1f, dx, 0f, ds);
                Tensor biased = f.act(NCHW, X, strided);
                cpu.addBias(biased, f.tensor(Shape.of(5), bias));
                Tensor shuffled = f.actOutput(Shape.of(3, 6, 7, 9), strided);
                cpu.channelShuffle(f.act(Shape.of(3, 6, 7, 9), Rand.uniform(12, 1134), strided), 3, shuffled);
                try (var dropout = cpu.dropout(new dev.jdnn.ops.DropoutSpec(NCHW, 0.4f, 77, f.type()))) {
                    Tensor dropped = f.actOutput(NCHW, strided);
                    dropout.forward(a, dropped, f.bytes(dropout.reserveBytes()));
                    return new float[][] {f.get(c), f.get(scaled), f.get(gated), f.get(dx), f.get(ds), f.get(biased), f.get(shuffled), f.get(dropped)};
                }
            });
        }
    }
}
