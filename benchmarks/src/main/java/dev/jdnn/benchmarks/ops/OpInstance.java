package dev.jdnn.benchmarks.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryScope;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;

import java.util.SplittableRandom;

/**
 * One {@link OpCase} prepared on a backend: its plan and every operand allocated and filled with random values, so
 * that {@link #forward()} and {@link #backward()} are nothing but the op's own calls. Backward of a convolution or the
 * FC layer computes both the data and the weight gradient (what a training step does).
 */
public abstract sealed class OpInstance implements AutoCloseable {
    protected final Backend backend;
    protected final MemoryScope scope = new MemoryScope();
    private final SplittableRandom random = new SplittableRandom(42);

    private OpInstance(Backend backend) {
        this.backend = backend;
    }

    public static OpInstance create(OpCase c, int batch, Backend backend) {
        return switch (c.kind()) {
            case CONV -> new Conv(backend, c.convSpec(batch));
            case BATCH_NORM -> new BatchNorm(backend, new BatchNormSpec(c.inputShape(batch), 1e-5, 0.1));
            case MAX_POOL -> new Pool(backend, c.poolSpec(batch));
            case LINEAR -> new Linear(backend, new LinearSpec(batch, c.inFeatures(), c.outFeatures(), true));
            case SOFTMAX_CE -> new SoftmaxCrossEntropy(backend, batch, c.outFeatures());
        };
    }

    public abstract void forward();

    public abstract void backward();

    protected Tensor random(Shape shape) {
        float[] v = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < v.length; i++) v[i] = (float) (random.nextDouble() * 2 - 1);
        Tensor t = empty(shape);
        backend.upload(v, t);
        return t;
    }

    protected Tensor empty(Shape shape) {
        return scope.track(backend.allocate(shape, DType.FLOAT32));
    }

    @Override
    public void close() {
        scope.close();
    }

    static final class Conv extends OpInstance {
        private final Conv2dPlan plan;
        private final Tensor x, w, y, dy, dx, dw;

        Conv(Backend backend, Conv2dSpec spec) {
            super(backend);
            plan = scope.track(backend.conv2d(spec));
            x = random(spec.inputShape());
            w = random(spec.weightShape());
            y = empty(spec.outputShape());
            dy = random(spec.outputShape());
            dx = empty(spec.inputShape());
            dw = empty(spec.weightShape());
        }

        @Override public void forward() { plan.forward(1f, x, w, null, 0f, y); }

        @Override
        public void backward() {
            plan.backwardData(1f, dy, w, 0f, dx);
            plan.backwardFilter(1f, x, dy, 0f, dw);
        }
    }

    static final class BatchNorm extends OpInstance {
        private final BatchNormPlan plan;
        private final Tensor x, y, dy, dx, gamma, beta, runningMean, runningVar, saveMean, saveInvStd, dgamma, dbeta;

        BatchNorm(Backend backend, BatchNormSpec spec) {
            super(backend);
            plan = scope.track(backend.batchNorm(spec));
            Shape p = spec.paramShape();
            x = random(spec.shape());
            y = empty(spec.shape());
            dy = random(spec.shape());
            dx = empty(spec.shape());
            gamma = random(p);
            beta = random(p);
            runningMean = random(p);
            runningVar = empty(p);
            backend.fill(runningVar, 1f);
            saveMean = empty(p);
            saveInvStd = empty(p);
            dgamma = empty(p);
            dbeta = empty(p);
            forward(); // the saved statistics backward reads
        }

        @Override public void forward() { plan.forwardTraining(x, gamma, beta, y, runningMean, runningVar, saveMean, saveInvStd); }

        @Override
        public void backward() {
            plan.backward(1f, 0f, 1f, 0f, x, dy, gamma, dx, dgamma, dbeta, saveMean, saveInvStd);
        }
    }

    static final class Pool extends OpInstance {
        private final PoolPlan plan;
        private final Tensor x, y, dy, dx;

        Pool(Backend backend, PoolSpec spec) {
            super(backend);
            plan = scope.track(backend.pool(spec));
            x = random(spec.input());
            y = empty(spec.outputShape());
            dy = random(spec.outputShape());
            dx = empty(spec.input());
            forward();
        }

        @Override public void forward() { plan.forward(1f, x, 0f, y); }

        @Override public void backward() { plan.backward(1f, x, y, dy, 0f, dx); }
    }

    static final class Linear extends OpInstance {
        private final LinearPlan plan;
        private final Tensor x, w, b, y, dy, dx, dw;

        Linear(Backend backend, LinearSpec spec) {
            super(backend);
            plan = scope.track(backend.linear(spec));
            x = random(spec.inputShape());
            w = random(spec.weightShape());
            b = random(spec.biasShape());
            y = empty(spec.outputShape());
            dy = random(spec.outputShape());
            dx = empty(spec.inputShape());
            dw = empty(spec.weightShape());
        }

        @Override public void forward() { plan.forward(1f, x, w, b, 0f, y); }

        @Override
        public void backward() {
            plan.backwardData(1f, dy, w, 0f, dx);
            plan.backwardWeight(1f, x, dy, 0f, dw);
        }
    }

    static final class SoftmaxCrossEntropy extends OpInstance {
        private final CrossEntropyPlan plan;
        private final Tensor logits, labels, loss, dLogits;

        SoftmaxCrossEntropy(Backend backend, int batch, int classes) {
            super(backend);
            plan = scope.track(backend.crossEntropy(batch, classes, 0f));
            logits = random(Shape.of(batch, classes));
            int[] l = new int[batch];
            for (int i = 0; i < batch; i++) l[i] = (i * 7919) % classes;
            labels = scope.track(backend.allocate(Shape.of(batch), DType.INT32));
            backend.uploadInts(l, labels);
            loss = empty(Shape.of(1));
            dLogits = empty(Shape.of(batch, classes));
        }

        @Override public void forward() { plan.forwardBackward(logits, labels, loss, 1f, 0f, null); }

        @Override public void backward() { plan.forwardBackward(logits, labels, loss, 1f, 0f, dLogits); }
    }
}
