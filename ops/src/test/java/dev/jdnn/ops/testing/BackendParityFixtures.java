package dev.jdnn.ops.testing;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HalfFloats;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.MemoryScope;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.LrnSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.PoolSpec;

import java.util.Arrays;

/**
 * Runs ops on any {@link Backend} from host arrays and returns host arrays, so one test input can be checked
 * against float64 references (the CPU suite) or against another backend (the CUDA parity suite).
 *
 * <p>Activation operands ({@link #act}, {@link #actOutput}, and every op runner's) are made in the fixtures'
 * {@link OperandType}: its dtype, and for rank-4 shapes its memory format; {@link #tensor} and {@link #output} make
 * float32 contiguous ones (parameters, statistics, float32-only operands). Values given in float are stored rounded
 * to the dtype: references must start from {@link #stored} values. Operands are uploaded either densely packed or,
 * with {@code strided = true}, as views: a channel slice [:, 1:1+C] of a tensor with C+3 channels (or features) in the
 * same format — batch-strided in NCHW, pixel-strided in NHWC — the rest filled with NaN so an op that reads outside
 * the view poisons its result, and {@link #paddingIntact} can tell whether it wrote outside. Outputs start as NaN,
 * which also checks that beta = 0 ignores the old contents. Everything allocated is freed on {@link #close()}.
 */
public final class BackendParityFixtures implements AutoCloseable {
    /** The odd-sized NCHW shape most tests use. */
    public static final Shape NCHW = Shape.of(3, 5, 7, 9);
    private static final int EXTRA = 3;

    private final Backend backend;
    private final OperandType type;
    private final MemoryScope scope = new MemoryScope();

    /** Float32 NCHW activations. */
    public BackendParityFixtures(Backend backend) {
        this(backend, OperandType.DEFAULT);
    }

    public BackendParityFixtures(Backend backend, OperandType type) {
        this.backend = backend;
        this.type = type;
    }

    public Backend backend() {
        return backend;
    }

    /** The format and dtype of the activation operands these fixtures make. */
    public OperandType type() {
        return type;
    }

    /** {@code values} as an activation tensor stores them (rounded to the dtype): what references must start from. */
    public float[] stored(float[] values) {
        return HalfFloats.quantize(type.dtype(), values);
    }

    // ---- tensors ----

    /** A float32 tensor holding {@code data}; a batch-strided view when {@code strided}. */
    public Tensor tensor(Shape shape, float[] data, boolean strided) {
        return upload(OperandType.DEFAULT, shape, data, strided);
    }

    /** An activation tensor (the fixtures' dtype and format) holding {@code data} rounded to the dtype; a view when {@code strided}. */
    public Tensor act(Shape shape, float[] data, boolean strided) {
        return upload(type, shape, data, strided);
    }

    /** An activation tensor pre-filled with NaN. */
    public Tensor actOutput(Shape shape, boolean strided) {
        return act(shape, nans(shape), strided);
    }

    private Tensor upload(OperandType t, Shape shape, float[] data, boolean strided) {
        MemoryFormat format = shape.rank() == 4 ? t.format() : MemoryFormat.NCHW;
        Tensor tensor = strided && shape.rank() >= 2 ? stridedView(shape, t.dtype(), format)
                : scope.track(backend.allocate(shape, t.dtype(), format));
        backend.upload(data, tensor);
        return tensor;
    }

    private static float[] nans(Shape shape) {
        float[] nan = new float[Math.toIntExact(shape.numel())];
        Arrays.fill(nan, Float.NaN);
        return nan;
    }

    public Tensor tensor(Shape shape, float... data) {
        return tensor(shape, data, false);
    }

    /** A float32 output tensor pre-filled with NaN, densely packed in {@code format} (a weight gradient of an NHWC plan). */
    public Tensor output(Shape shape, MemoryFormat format) {
        Tensor t = scope.track(backend.allocate(shape, DType.FLOAT32, shape.rank() == 4 ? format : MemoryFormat.NCHW));
        backend.upload(nans(shape), t);
        return t;
    }

    /** A float32 output tensor pre-filled with NaN. */
    public Tensor output(Shape shape, boolean strided) {
        return tensor(shape, nans(shape), strided);
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

    /** Channels [1, 1+C) of a tensor with C+3 channels in {@code format}: batch-strided (NCHW) or pixel-strided (NHWC). */
    private Tensor stridedView(Shape shape, DType dtype, MemoryFormat format) {
        Tensor wide = scope.track(backend.allocate(shape.with(1, shape.dim(1) + EXTRA), dtype, format));
        backend.fill(wide, Float.NaN);
        return wide.narrow(1, 1, shape.dim(1));
    }

    /** For a view made with strided = true: whether every element outside it is still NaN (true for other tensors). */
    public boolean paddingIntact(Tensor view) {
        if (view.isOwner()) return true; // not a view: nothing outside it to check
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

    // ---- op runners: each makes its plan for the fixtures' operand type and returns host arrays ----

    public float[] poolForward(PoolSpec spec, float[] x, boolean strided) {
        try (var plan = backend.pool(spec.with(type))) {
            Tensor y = actOutput(spec.outputShape(), strided);
            plan.forward(1f, act(spec.input(), x, strided), 0f, y);
            return get(y);
        }
    }

    public float[] poolBackward(PoolSpec spec, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.pool(spec.with(type))) {
            Tensor tx = act(spec.input(), x, strided), y = actOutput(spec.outputShape(), strided);
            plan.forward(1f, tx, 0f, y);
            Tensor dx = actOutput(spec.input(), strided);
            plan.backward(1f, tx, y, act(spec.outputShape(), dy, strided), 0f, dx);
            return get(dx);
        }
    }

    /** Outputs of one training forward of batch norm. */
    public record BatchNormResult(float[] y, float[] runningMean, float[] runningVar, float[] saveMean, float[] saveInvStd) {}

    public BatchNormResult batchNormTraining(BatchNormSpec spec, float[] x, float[] gamma, float[] beta,
                                             float[] runningMean, float[] runningVar, boolean strided) {
        Shape p = spec.paramShape();
        try (BatchNormPlan plan = backend.batchNorm(spec.with(type))) {
            Tensor y = actOutput(spec.shape(), strided), rm = tensor(p, runningMean), rv = tensor(p, runningVar);
            Tensor sm = output(p, false), si = output(p, false);
            plan.forwardTraining(act(spec.shape(), x, strided), tensor(p, gamma), tensor(p, beta), y, rm, rv, sm, si);
            return new BatchNormResult(get(y), get(rm), get(rv), get(sm), get(si));
        }
    }

    public float[] batchNormInference(BatchNormSpec spec, float[] x, float[] gamma, float[] beta,
                                      float[] runningMean, float[] runningVar, boolean strided) {
        Shape p = spec.paramShape();
        try (BatchNormPlan plan = backend.batchNorm(spec.with(type))) {
            Tensor y = actOutput(spec.shape(), strided);
            plan.forwardInference(act(spec.shape(), x, strided), tensor(p, gamma), tensor(p, beta), y, tensor(p, runningMean), tensor(p, runningVar));
            return get(y);
        }
    }

    /** Gradients of batch norm's training forward: {dx, dgamma, dbeta}. */
    public float[][] batchNormBackward(BatchNormSpec spec, float[] x, float[] gamma, float[] beta, float[] dy, boolean strided) {
        Shape p = spec.paramShape();
        float[] ones = new float[p.dim(0)], zeros = new float[p.dim(0)];
        Arrays.fill(ones, 1f);
        try (BatchNormPlan plan = backend.batchNorm(spec.with(type))) {
            Tensor tx = act(spec.shape(), x, strided), tg = tensor(p, gamma), sm = output(p, false), si = output(p, false);
            plan.forwardTraining(tx, tg, tensor(p, beta), actOutput(spec.shape(), strided), tensor(p, zeros), tensor(p, ones), sm, si);
            Tensor dx = actOutput(spec.shape(), strided), dg = output(p, false), db = output(p, false);
            plan.backward(1f, 0f, 1f, 0f, tx, act(spec.shape(), dy, strided), tg, dx, dg, db, sm, si);
            return new float[][] {get(dx), get(dg), get(db)};
        }
    }

    public float[] activationForward(Activation kind, float param, Shape shape, float[] x, boolean strided) {
        try (var plan = backend.activation(kind, param, shape, type)) {
            Tensor y = actOutput(shape, strided);
            plan.forward(1f, act(shape, x, strided), 0f, y);
            return get(y);
        }
    }

    public float[] activationBackward(Activation kind, float param, Shape shape, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.activation(kind, param, shape, type)) {
            Tensor tx = act(shape, x, strided), y = actOutput(shape, strided), dx = actOutput(shape, strided);
            plan.forward(1f, tx, 0f, y);
            plan.backward(1f, tx, y, act(shape, dy, strided), 0f, dx);
            return get(dx);
        }
    }

    public float[] lrnForward(LrnSpec spec, float[] x, boolean strided) {
        try (var plan = backend.lrn(spec.with(type))) {
            Tensor y = actOutput(spec.shape(), strided);
            plan.forward(1f, act(spec.shape(), x, strided), 0f, y);
            return get(y);
        }
    }

    public float[] lrnBackward(LrnSpec spec, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.lrn(spec.with(type))) {
            Tensor tx = act(spec.shape(), x, strided), y = actOutput(spec.shape(), strided), dx = actOutput(spec.shape(), strided);
            plan.forward(1f, tx, 0f, y);
            plan.backward(1f, tx, y, act(spec.shape(), dy, strided), 0f, dx);
            return get(dx);
        }
    }

    /** Softmax of an input stored in the fixtures' dtype; y is float32. */
    public float[] softmaxForward(Shape shape, boolean log, float[] x, boolean strided) {
        try (var plan = backend.softmax(shape, log, type.dtype())) {
            Tensor y = output(shape, strided);
            plan.forward(act(shape, x, strided), y);
            return get(y);
        }
    }

    /** The input gradient (the input's dtype) from float32 y and dy. */
    public float[] softmaxBackward(Shape shape, boolean log, float[] x, float[] dy, boolean strided) {
        try (var plan = backend.softmax(shape, log, type.dtype())) {
            Tensor y = output(shape, strided), dx = actOutput(shape, strided);
            plan.forward(act(shape, x, strided), y);
            plan.backward(1f, y, tensor(shape, dy, strided), 0f, dx);
            return get(dx);
        }
    }

    /** Loss and gradient of the fused cross-entropy on logits in the fixtures' dtype: {loss (1 element), dLogits (their dtype)}. */
    public float[][] crossEntropy(int n, int c, float smoothing, float[] logits, int[] labels, float gradScale, boolean strided) {
        try (CrossEntropyPlan plan = backend.crossEntropy(n, c, smoothing, type.dtype())) {
            Shape shape = Shape.of(n, c);
            Tensor loss = output(Shape.of(1), false), d = actOutput(shape, strided);
            plan.forwardBackward(act(shape, logits, strided), ints(Shape.of(n), labels), loss, gradScale, 0f, d);
            return new float[][] {get(loss), get(d)};
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
