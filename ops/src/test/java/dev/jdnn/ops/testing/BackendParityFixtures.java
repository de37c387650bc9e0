package dev.jdnn.ops.testing;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryScope;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.LrnSpec;
import dev.jdnn.ops.PoolSpec;

import java.util.Arrays;

/**
 * Runs ops on any {@link Backend} from host arrays and returns host arrays, so one test input can be checked
 * against float64 references (the CPU suite) or against another backend (the CUDA parity suite).
 *
 * <p>Operands are uploaded either contiguous or, with {@code strided = true}, as batch-strided views: a channel
 * slice [:, 1:1+C] of a tensor with C+3 channels (or features), the rest filled with NaN so an op that reads
 * outside the view poisons its result, and {@link #paddingIntact} can tell whether it wrote outside. Outputs start as
 * NaN, which also checks that beta = 0 ignores the old contents. Everything allocated is freed on {@link #close()}.
 */
public final class BackendParityFixtures implements AutoCloseable {
    /** The odd-sized NCHW shape most tests use. */
    public static final Shape NCHW = Shape.of(3, 5, 7, 9);
    private static final int EXTRA = 3;

    private final Backend backend;
    private final MemoryScope scope = new MemoryScope();

    public BackendParityFixtures(Backend backend) {
        this.backend = backend;
    }

    public Backend backend() {
        return backend;
    }

    // ---- tensors ----

    /** A tensor holding {@code data}; batch-strided view when {@code strided}. */
    public Tensor tensor(Shape shape, float[] data, boolean strided) {
        Tensor t = strided && shape.rank() >= 2 ? stridedView(shape) : scope.track(backend.allocate(shape, DType.FLOAT32));
        backend.upload(data, t);
        return t;
    }

    public Tensor tensor(Shape shape, float... data) {
        return tensor(shape, data, false);
    }

    /** An output tensor pre-filled with NaN (or {@code initial} values when given). */
    public Tensor output(Shape shape, boolean strided) {
        float[] nan = new float[Math.toIntExact(shape.numel())];
        Arrays.fill(nan, Float.NaN);
        return tensor(shape, nan, strided);
    }

    public Tensor ints(Shape shape, int... data) {
        Tensor t = scope.track(backend.allocate(shape, DType.INT32));
        backend.uploadInts(data, t);
        return t;
    }

    public Tensor bytes(long count) {
        return scope.track(backend.allocate(Shape.of(Math.toIntExact(count)), DType.UINT8));
    }

    public float[] get(Tensor t) {
        return backend.download(t);
    }

    private Tensor stridedView(Shape shape) {
        Tensor wide = scope.track(backend.allocate(shape.with(1, shape.dim(1) + EXTRA), DType.FLOAT32));
        backend.fill(wide, Float.NaN);
        return wide.narrow(1, 1, shape.dim(1));
    }

    /** For a view made with strided = true: whether every element outside it is still NaN. */
    public boolean paddingIntact(Tensor view) {
        if (view.isContiguous()) return true;
        Tensor wide = view.asStrided(view.shape().with(1, view.dim(1) + EXTRA), view.strides(), -view.stride(1));
        float[] all = backend.download(wide);
        int n = view.dim(0), inner = Math.toIntExact(view.sampleSize() / view.dim(1)), wideC = view.dim(1) + EXTRA;
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < wideC; c++) {
                if (c >= 1 && c < 1 + view.dim(1)) continue;
                for (int k = 0; k < inner; k++) if (!Float.isNaN(all[(i * wideC + c) * inner + k])) return false;
            }
        }
        return true;
    }

    // ---- op runners: each returns host arrays ----

    public float[] poolForward(PoolSpec spec, float[] x, boolean strided) {
        try (var plan = backend.pool(spec)) {
            Tensor y = output(spec.outputShape(), strided);
            plan.forward(1f, tensor(spec.input(), x, strided), 0f, y);
            return get(y);
        }
    }

    public float[] poolBackward(PoolSpec spec, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.pool(spec)) {
            Tensor tx = tensor(spec.input(), x, strided), y = output(spec.outputShape(), strided);
            plan.forward(1f, tx, 0f, y);
            Tensor dx = output(spec.input(), strided);
            plan.backward(1f, tx, y, tensor(spec.outputShape(), dy, strided), 0f, dx);
            return get(dx);
        }
    }

    /** Outputs of one training forward of batch norm. */
    public record BatchNormResult(float[] y, float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvStd) {}

    public BatchNormResult batchNormTraining(BatchNormSpec spec, float[] x, float[] gamma, float[] beta,
                                             float[] runningMean, float[] runningVar, boolean strided) {
        Shape p = spec.paramShape();
        try (BatchNormPlan plan = backend.batchNorm(spec)) {
            Tensor y = output(spec.shape(), strided), rm = tensor(p, runningMean), rv = tensor(p, runningVar);
            Tensor sm = output(p, false), si = output(p, false);
            plan.forwardTraining(tensor(spec.shape(), x, strided), tensor(p, gamma), tensor(p, beta), y, rm, rv, sm, si);
            return new BatchNormResult(get(y), get(rm), get(rv), get(sm), get(si));
        }
    }

    public float[] batchNormInference(BatchNormSpec spec, float[] x, float[] gamma, float[] beta,
                                      float[] runningMean, float[] runningVar, boolean strided) {
        Shape p = spec.paramShape();
        try (BatchNormPlan plan = backend.batchNorm(spec)) {
            Tensor y = output(spec.shape(), strided);
            plan.forwardInference(tensor(spec.shape(), x, strided), tensor(p, gamma), tensor(p, beta), y, tensor(p, runningMean), tensor(p, runningVar));
            return get(y);
        }
    }

    /** Gradients of batch norm's training forward: {dx, dgamma, dbeta}. */
    public float[][] batchNormBackward(BatchNormSpec spec, float[] x, float[] gamma, float[] beta, float[] dy, boolean strided) {
        Shape p = spec.paramShape();
        float[] ones = new float[p.dim(0)], zeros = new float[p.dim(0)];
        Arrays.fill(ones, 1f);
        try (BatchNormPlan plan = backend.batchNorm(spec)) {
            Tensor tx = tensor(spec.shape(), x, strided), tg = tensor(p, gamma), sm = output(p, false), si = output(p, false);
            plan.forwardTraining(tx, tg, tensor(p, beta), output(spec.shape(), strided), tensor(p, zeros), tensor(p, ones), sm, si);
            Tensor dx = output(spec.shape(), strided), dg = output(p, false), db = output(p, false);
            plan.backward(1f, 0f, 1f, 0f, tx, tensor(spec.shape(), dy, strided), tg, dx, dg, db, sm, si);
            return new float[][] {get(dx), get(dg), get(db)};
        }
    }

    public float[] activationForward(Activation kind, float param, Shape shape, float[] x, boolean strided) {
        try (var plan = backend.activation(kind, param, shape)) {
            Tensor y = output(shape, strided);
            plan.forward(1f, tensor(shape, x, strided), 0f, y);
            return get(y);
        }
    }

    public float[] activationBackward(Activation kind, float param, Shape shape, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.activation(kind, param, shape)) {
            Tensor tx = tensor(shape, x, strided), y = output(shape, strided), dx = output(shape, strided);
            plan.forward(1f, tx, 0f, y);
            plan.backward(1f, tx, y, tensor(shape, dy, strided), 0f, dx);
            return get(dx);
        }
    }

    public float[] lrnForward(LrnSpec spec, float[] x, boolean strided) {
        try (var plan = backend.lrn(spec)) {
            Tensor y = output(spec.shape(), strided);
            plan.forward(1f, tensor(spec.shape(), x, strided), 0f, y);
            return get(y);
        }
    }

    public float[] lrnBackward(LrnSpec spec, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.lrn(spec)) {
            Tensor tx = tensor(spec.shape(), x, strided), y = output(spec.shape(), strided), dx = output(spec.shape(), strided);
            plan.forward(1f, tx, 0f, y);
            plan.backward(1f, tx, y, tensor(spec.shape(), dy, strided), 0f, dx);
            return get(dx);
        }
    }

    public float[] softmaxForward(Shape shape, boolean log, float[] x, boolean strided) {
        try (var plan = backend.softmax(shape, log)) {
            Tensor y = output(shape, strided);
            plan.forward(tensor(shape, x, strided), y);
            return get(y);
        }
    }

    public float[] softmaxBackward(Shape shape, boolean log, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.softmax(shape, log)) {
            Tensor y = output(shape, strided), dx = output(shape, strided);
            plan.forward(tensor(shape, x, strided), y);
            plan.backward(1f, y, tensor(shape, dy, strided), 0f, dx);
            return get(dx);
        }
    }

    /** Loss and gradient of the fused cross-entropy: {loss (1 element), dLogits}. */
    public float[][] crossEntropy(int n, int c, float smoothing, float[] logits, int[] labels, float gradScale, boolean strided) {
        try (CrossEntropyPlan plan = backend.crossEntropy(n, c, smoothing)) {
            Shape shape = Shape.of(n, c);
            Tensor loss = output(Shape.of(1), false), d = output(shape, strided);
            plan.forwardBackward(tensor(shape, logits, strided), ints(Shape.of(n), labels), loss, gradScale, 0f, d);
            return new float[][] {get(loss), get(d)};
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
