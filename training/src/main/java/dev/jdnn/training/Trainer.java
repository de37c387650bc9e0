package dev.jdnn.training;

import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.graph.GuardedUpdate;
import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.TrainingCheckpoint;
import dev.jdnn.training.checkpoint.TrainingState;
import dev.jdnn.training.data.Batch;
import dev.jdnn.training.data.DataLoader;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.data.Transform;
import dev.jdnn.training.optim.GradientClipping;
import dev.jdnn.training.optim.LrSchedule;
import dev.jdnn.training.optim.Optimizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Trains a {@link CompiledModel}: an embeddable loop over epochs of a {@link DataLoader}, one fused optimizer update
 * per batch, evaluation after each epoch, and {@link TrainingListener}s for everything else — progress, metric
 * files, checkpoints ({@code listeners.CheckpointWriter}), stopping on divergence ({@code listeners.StopOnDivergence}).
 *
 * <pre>{@code
 * try (Trainer t = Trainer.builder(model, optimizer).trainData(train, augment).testData(test, normalize)
 *         .epochs(10).schedule(LrSchedule.named("cosine", 10, steps))
 *         .listener(new StopOnDivergence()).listener(new CheckpointWriter(out, configJson, metadata)).build()) {
 *     t.fit();
 * }
 * }</pre>
 *
 * <p>Semantics: the last partial training batch is dropped (torch's drop_last), the last evaluation batch is padded
 * and its padding ignored. A run resumed from a checkpoint ({@link #resume}) continues exactly (data order,
 * augmentation, schedule, optimizer state, and the position of every dropout and stochastic-depth stream,
 * {@link CompiledModel#randomPositions()}); on the CPU backend its losses and weights equal the uninterrupted run's
 * bit for bit, dropout included, when the model is compiled with the same seed.
 *
 * <p>Each step has one path: the optimizer writes the step's learning rates and step count into device memory
 * ({@link Optimizer#writeStepScalars}), then {@link CompiledModel#forwardBackward(Tensor, float, GuardedUpdate)} runs
 * forward, loss, backward, a guard, the gradient clipping if configured ({@link GradientClipping}, computed on the
 * device) and the update — recorded as one CUDA graph and replayed where the model records its steps (see
 * {@link CompiledModel#graphCaptureStatus()}), run eagerly otherwise, with the same results (bit for bit on the CPU
 * backend). Batches are copied straight into the model's own input and labels tensors, which the recording reads.
 * The loss reaches the host only after the update ran, so the guard decides on the device: when a loss value is NaN
 * or infinite — or, training in fp16, a gradient overflowed under the loss scale ({@link CompiledModel#lastStepFinite()};
 * the scale then backs off) — it clears the update's apply flags and the update changes nothing; the Trainer then takes back the
 * optimizer's step count ({@link Optimizer#undoSkippedStep()}) and reports the step to the listeners with its loss
 * (the batch and the schedule's step are used up, as torch's loop does when its scaler skips a step; the epoch's
 * mean loss and accuracy leave the step out) — {@code StopOnDivergence} stops the run there with
 * {@link TrainingDivergedException}; without it training goes on, skipping such steps. (Not caught on the device: finite losses whose weighted sum
 * overflows float; that update stays applied and counted.) A step's forward has run either way: batch-norm running
 * statistics and the random streams moved on.
 */
public final class Trainer implements AutoCloseable {
    private final CompiledModel model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final DataLoader trainLoader, testLoader;
    private final int epochs;
    private final float labelSmoothing;
    private final GradientClipping clipping; // null without a max gradient norm
    private final GuardedUpdate update;      // one instance: the model keys its recording by it
    private final long seed, compileSeed;
    private final List<TrainingListener> listeners;
    private final Tensor labels;

    private int epoch, batchInEpoch;
    private long globalStep;
    private double bestTop1 = -1;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.epochs = b.epochs;
        this.labelSmoothing = b.labelSmoothing;
        this.seed = b.seed;
        this.compileSeed = b.compileSeed != null ? b.compileSeed : b.seed;
        this.listeners = List.copyOf(b.listeners);
        int n = model.inputShape().dim(0);
        checkGeometry(b.trainData, "training");
        if (b.trainData.size() < n) {
            throw new IllegalArgumentException("the training set has " + b.trainData.size() + " images, fewer than one batch of " + n + " (the last partial batch is dropped)");
        }
        if (b.testData != null) checkGeometry(b.testData, "test");
        this.clipping = b.maxGradNorm > 0 ? new GradientClipping(model.backend(), model.flatGradients(), b.maxGradNorm) : null;
        this.update = clipping == null ? optimizer.guardedUpdate() : optimizer.guardedUpdate().after(clipping::enqueue);
        this.trainLoader = new DataLoader(b.trainData, b.trainTransform, new DataLoader.Options(n, true, true, seed, b.workers, 2), b.bufferAllocator);
        this.testLoader = b.testData == null ? null
                : new DataLoader(b.testData, b.testTransform, new DataLoader.Options(n, false, false, seed, b.workers, 2), b.bufferAllocator);
        this.labels = model.labels(); // the model's own: forwardBackward then copies nothing
    }

    private void checkGeometry(Dataset d, String which) {
        Shape in = model.inputShape();
        if (d.channels() != in.dim(1) || d.height() != in.dim(2) || d.width() != in.dim(3)) {
            throw new IllegalArgumentException("the " + which + " images are " + d.channels() + "x" + d.height() + "x" + d.width()
                    + " but the model was compiled for " + in.dim(1) + "x" + in.dim(2) + "x" + in.dim(3));
        }
        if (d.numClasses() > model.outputShape().dim(1)) {
            throw new IllegalArgumentException("the " + which + " set has " + d.numClasses() + " classes but the model outputs " + model.outputShape().dim(1));
        }
    }

    public static Builder builder(CompiledModel model, Optimizer optimizer) {
        return new Builder(model, optimizer);
    }

    /** Trains from the current position (epoch 0, or where {@link #resume} left it) to the configured epoch count. */
    public List<EpochMetrics> fit() {
        return fit(epochs);
    }

    /** Trains up to (excluding) epoch {@code stopAt} of the configured run — the schedule still spans all epochs. */
    public List<EpochMetrics> fit(int stopAt) {
        listeners.forEach(l -> l.onFitStart(this));
        List<EpochMetrics> history = new ArrayList<>();
        while (epoch < Math.min(stopAt, epochs)) history.add(runEpoch());
        return history;
    }

    private EpochMetrics runEpoch() {
        int batches = trainLoader.batchesPerEpoch(), n = model.inputShape().dim(0);
        listeners.forEach(l -> l.onEpochStart(epoch, batches, batchInEpoch));
        model.setTraining(true);
        long epochStart = System.nanoTime(), waitStart = trainLoader.totalWaitNanos();
        double lossSum = 0;
        long correct = 0;
        int steps = 0;
        float[] logits = new float[Math.toIntExact(model.outputShape().numel())];
        try (DataLoader.Epoch it = trainLoader.epoch(epoch, batchInEpoch)) {
            BatchTransfer transfer = new BatchTransfer(model.backend());
            while (it.hasNext()) {
                long t0 = System.nanoTime();
                Batch batch = it.next();
                transfer.toDevice(batch, model.input(), labels);
                double factor = schedule.factor(globalStep);
                optimizer.writeStepScalars(factor); // outside the recording: this step's learning rates and count
                float loss = model.forwardBackward(labels, labelSmoothing, update);
                boolean applied = model.lastStepFinite() || !optimizer.undoSkippedStep(); // the optimizer does not count a skipped step
                model.backend().download(model.output(), logits);
                int hits = Ranking.correctTop1(logits, batch.labels(), batch.count());
                globalStep++; // the batch and the schedule's step are used up either way
                if (applied) {
                    lossSum += loss;
                    correct += hits;
                    steps++;
                }
                batchInEpoch = batch.index() + 1;
                double seconds = (System.nanoTime() - t0) / 1e9;
                StepMetrics m = new StepMetrics(epoch, batch.index(), batches, globalStep, loss, (double) hits / batch.count(), baseLr() * factor, n / seconds, trainLoader.lastWaitNanos() / 1e6);
                listeners.forEach(l -> l.onStep(m));
            }
        }
        double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
        EvalResult test = testLoader == null ? null : Evaluator.evaluate(model, testLoader);
        epoch++;
        batchInEpoch = 0;
        if (test != null) bestTop1 = Math.max(bestTop1, test.top1());
        EpochMetrics em = new EpochMetrics(epoch - 1, lossSum / Math.max(1, steps), correct / Math.max(1.0, (double) steps * n), steps * (double) n / trainSeconds,
                (trainLoader.totalWaitNanos() - waitStart) / 1e9, test, (System.nanoTime() - epochStart) / 1e9, baseLr() * schedule.factor(globalStep));
        listeners.forEach(l -> l.onEpochEnd(em));
        return em;
    }

    /**
     * How the optimizer update runs: "recorded with the training step" (replayed as part of its CUDA graph), or
     * "eager after the backward" and why the model does not record its steps.
     */
    public String optimizerUpdateStatus() {
        return model.recordsStepsWithUpdate() ? "recorded with the training step"
                : "eager after the backward: the model does not record training steps (" + model.graphCaptureStatus() + ")";
    }

    private double baseLr() {
        return optimizer.groups().isEmpty() ? 0 : optimizer.groups().get(0).lr();
    }

    public CompiledModel model() {
        return model;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The run's position, as a checkpoint records it. */
    public TrainingState state() {
        return new TrainingState(epoch, batchInEpoch, globalStep, optimizer.stepCount(), seed, compileSeed, optimizer.kind(), bestTop1,
                model.randomPositions(), model.lossScaleState());
    }

    /**
     * Restores model, optimizer, position, the random streams' positions and an fp16 run's loss scale from a training
     * checkpoint; {@link #fit()} then continues the run. A checkpoint without stream positions (written before they
     * were recorded) leaves the streams where they are, one without a loss scale the model's initial scale.
     */
    public TrainingState resume(Path checkpoint) {
        TrainingState s = TrainingCheckpoint.load(checkpoint, model.stateDict(), optimizer, model.backend());
        if (s.seed() != seed) {
            throw new CheckpointMismatchException(checkpoint, "was written by a run with seed " + s.seed() + ", this run uses seed " + seed + " (data order would differ)");
        }
        if (s.randomPositions() != null) {
            int streams = model.randomPositions().length;
            if (s.randomPositions().length != streams) {
                throw new CheckpointMismatchException(checkpoint, "records " + s.randomPositions().length + " random stream positions, this model has "
                        + streams + " dropout and stochastic-depth nodes");
            }
            model.seekRandom(s.randomPositions());
        }
        if (s.lossScale() != null && model.lossScaleState() != null) model.setLossScaleState(s.lossScale()); // fp16: the scale goes on where it was
        epoch = s.epoch();
        batchInEpoch = s.batchInEpoch();
        globalStep = s.globalStep();
        bestTop1 = s.bestTop1();
        return s;
    }

    public EvalResult evaluate() {
        if (testLoader == null) throw new IllegalStateException("no test data was given");
        return Evaluator.evaluate(model, testLoader);
    }

    public int epoch() {
        return epoch;
    }

    public long globalStep() {
        return globalStep;
    }

    public int batchesPerEpoch() {
        return trainLoader.batchesPerEpoch();
    }

    @Override
    public void close() {
        trainLoader.close();
        if (testLoader != null) testLoader.close();
        if (clipping != null) clipping.close();
    }

    /** Options of a {@link Trainer}; the model's compiled batch size is the batch size. */
    public static final class Builder {
        private final CompiledModel model;
        private final Optimizer optimizer;
        private Dataset trainData, testData;
        private Transform trainTransform, testTransform;
        private LrSchedule schedule = LrSchedule.constant();
        private int epochs = 1;
        private float labelSmoothing;
        private double maxGradNorm;
        private long seed;
        private Long compileSeed;
        private int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
        private Allocator bufferAllocator = HostAllocator.global();
        private final List<TrainingListener> listeners = new ArrayList<>();

        private Builder(CompiledModel model, Optimizer optimizer) {
            this.model = Objects.requireNonNull(model, "model");
            this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        }

        /** Training images and their augmentation + normalisation (applied per sample, seeded). */
        public Builder trainData(Dataset data, Transform transform) {
            this.trainData = data;
            this.trainTransform = transform;
            return this;
        }

        public Builder testData(Dataset data, Transform transform) {
            this.testData = data;
            this.testTransform = transform;
            return this;
        }

        public Builder schedule(LrSchedule s) { this.schedule = s; return this; }
        public Builder epochs(int e) { if (e < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + e); this.epochs = e; return this; }
        public Builder labelSmoothing(double ls) { if (ls < 0 || ls >= 1) throw new IllegalArgumentException("label smoothing must be in [0, 1), got " + ls); this.labelSmoothing = (float) ls; return this; }
        /** Clip gradients to this global L2 norm before each update, on the device (0 = off; see {@link GradientClipping}). */
        public Builder maxGradNorm(double norm) {
            if (!(norm >= 0) || Double.isInfinite(norm)) throw new IllegalArgumentException("max gradient norm must be >= 0 and finite, got " + norm);
            this.maxGradNorm = norm;
            return this;
        }
        /** Seeds the data order and augmentation. */
        public Builder seed(long seed) { this.seed = seed; return this; }
        /** The seed the model was compiled with (it seeds the dropout plans); recorded in checkpoints. Default: {@link #seed}. */
        public Builder compileSeed(long s) { this.compileSeed = s; return this; }
        public Builder loaderWorkers(int n) { this.workers = n; return this; }
        /** Where the loader's batch buffers come from: pinned host memory for a CUDA backend. */
        public Builder bufferAllocator(Allocator a) { this.bufferAllocator = a; return this; }
        /** Called in the order added (a {@code StopOnDivergence} before listeners that should not see a skipped step). */
        public Builder listener(TrainingListener l) { this.listeners.add(Objects.requireNonNull(l, "listener")); return this; }

        public Trainer build() {
            if (trainData == null) throw new IllegalStateException("no training data given");
            return new Trainer(this);
        }
    }
}
