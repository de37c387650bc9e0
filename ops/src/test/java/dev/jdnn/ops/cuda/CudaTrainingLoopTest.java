package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryScope;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;
import dev.jdnn.ops.testing.Rand;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 1,000 forward+backward+SGD steps of conv → BN → ReLU → linear → cross-entropy on one fixed batch: device memory
 * must stay flat after the first step (no per-step allocation or leak), and the loss must fall (the chain learns).
 */
@Tag("gpu")
class CudaTrainingLoopTest {
    @Test
    void thousandStepsWithFlatMemory() {
        try (CudaBackend cuda = GpuTests.backendOrSkip(false); MemoryScope scope = new MemoryScope()) {
            int batch = 16, classes = 10;
            Conv2dSpec convSpec = Conv2dSpec.of(Shape.of(batch, 3, 16, 16), 8, 3, 1, 1, 1, 1, false);
            Shape feat = convSpec.outputShape();
            LinearSpec fcSpec = new LinearSpec(batch, (int) (feat.numel() / batch), classes, true);
            Conv2dPlan conv = scope.track(cuda.conv2d(convSpec));
            BatchNormPlan bn = scope.track(cuda.batchNorm(new BatchNormSpec(feat, 1e-5, 0.1)));
            ActivationPlan relu = scope.track(cuda.activation(Activation.RELU, 0f, feat));
            LinearPlan fc = scope.track(cuda.linear(fcSpec));
            CrossEntropyPlan ce = scope.track(cuda.crossEntropy(batch, classes, 0.1f));

            Tensor x = t(scope, cuda, convSpec.inputShape(), Rand.gaussian(1, (int) convSpec.inputShape().numel(), 0, 1));
            Tensor labels = scope.track(cuda.allocate(Shape.of(batch), DType.INT32));
            cuda.uploadInts(Rand.labels(2, batch, classes), labels);
            Tensor w = t(scope, cuda, convSpec.weightShape(), Rand.gaussian(3, (int) convSpec.weightShape().numel(), 0, 0.2));
            Tensor gamma = t(scope, cuda, Shape.of(8), ones(8)), beta = zeros(scope, cuda, Shape.of(8));
            Tensor rm = zeros(scope, cuda, Shape.of(8)), rv = t(scope, cuda, Shape.of(8), ones(8));
            Tensor sm = zeros(scope, cuda, Shape.of(8)), si = zeros(scope, cuda, Shape.of(8));
            Tensor fw = t(scope, cuda, fcSpec.weightShape(), Rand.gaussian(4, (int) fcSpec.weightShape().numel(), 0, 0.02));
            Tensor fb = zeros(scope, cuda, fcSpec.biasShape());
            Tensor y = zeros(scope, cuda, feat), z = zeros(scope, cuda, feat), a = zeros(scope, cuda, feat), logits = zeros(scope, cuda, fcSpec.outputShape());
            Tensor loss = zeros(scope, cuda, Shape.of(1)), dLogits = zeros(scope, cuda, fcSpec.outputShape());
            Tensor da = zeros(scope, cuda, feat), dz = zeros(scope, cuda, feat), dy = zeros(scope, cuda, feat);
            Tensor dw = zeros(scope, cuda, convSpec.weightShape()), dgamma = zeros(scope, cuda, Shape.of(8)), dbeta = zeros(scope, cuda, Shape.of(8));
            Tensor dfw = zeros(scope, cuda, fcSpec.weightShape()), dfb = zeros(scope, cuda, fcSpec.biasShape());
            Tensor ws = conv.workspaceBytes() == 0 ? null : scope.track(cuda.allocate(Shape.of((int) conv.workspaceBytes()), DType.UINT8));
            Tensor[] params = {w, gamma, beta, fw, fb}, grads = {dw, dgamma, dbeta, dfw, dfb};
            Tensor[] momenta = new Tensor[params.length];
            for (int i = 0; i < params.length; i++) momenta[i] = zeros(scope, cuda, params[i].shape());
            OptimizerConfig.Sgd sgd = new OptimizerConfig.Sgd(0.9, 0, 1e-4, false);
            Tensor firstStep = scope.track(cuda.allocate(Shape.of(OptimizerScalars.SGD_LENGTH))), laterSteps = scope.track(cuda.allocate(Shape.of(OptimizerScalars.SGD_LENGTH)));
            cuda.upload(OptimizerScalars.of(sgd, 0.05, 1), firstStep);
            cuda.upload(OptimizerScalars.of(sgd, 0.05, 2), laterSteps);

            float firstLoss = 0, lastLoss = 0;
            long liveAfterFirstStep = 0;
            for (int step = 1; step <= 1000; step++) {
                conv.forward(1f, x, w, null, 0f, y, ws);
                bn.forwardTraining(y, gamma, beta, z, rm, rv, sm, si);
                relu.forward(1f, z, 0f, a);
                Tensor flat = a.reshape(fcSpec.inputShape());
                fc.forward(1f, flat, fw, fb, 0f, logits);
                ce.forwardBackward(logits, labels, loss, 1f, 0f, dLogits);
                fc.backwardWeight(1f, flat, dLogits, 0f, dfw);
                fc.backwardBias(1f, dLogits, 0f, dfb);
                fc.backwardData(1f, dLogits, fw, 0f, da.reshape(fcSpec.inputShape()));
                relu.backward(1f, z, a, da, 0f, dz);
                bn.backward(1f, 0f, 1f, 0f, y, dz, gamma, dy, dgamma, dbeta, sm, si);
                conv.backwardFilter(1f, x, dy, 0f, dw, ws);
                for (int i = 0; i < params.length; i++) cuda.sgdStep(params[i], grads[i], momenta[i], sgd, step == 1 ? firstStep : laterSteps);
                if (step == 1) {
                    firstLoss = cuda.download(loss)[0];
                    liveAfterFirstStep = cuda.memoryStats().liveBytes();
                }
            }
            lastLoss = cuda.download(loss)[0];
            assertEquals(liveAfterFirstStep, cuda.memoryStats().liveBytes(), "device live bytes must not grow after the first step");
            assertTrue(Float.isFinite(lastLoss) && lastLoss < 0.5f * firstLoss, "loss should fall on a fixed batch: " + firstLoss + " -> " + lastLoss);
        }
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        Arrays.fill(a, 1f);
        return a;
    }

    private static Tensor t(MemoryScope scope, dev.jdnn.ops.Backend cuda, Shape s, float[] data) {
        Tensor t = scope.track(cuda.allocate(s));
        cuda.upload(data, t);
        return t;
    }

    private static Tensor zeros(MemoryScope scope, dev.jdnn.ops.Backend cuda, Shape s) {
        return scope.track(cuda.zeros(s));
    }
}
