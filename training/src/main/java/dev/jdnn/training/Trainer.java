package dev.jdnn.training;

import dev.jdnn.memory.Allocator;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.graph.GuardedUpdate;
import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.StateDicts;
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
import java.util.Map;
import java.util.Objects;

/**
 * Trains a {@link CompiledModel}: an embeddable loop over epochs of a {@link DataLoader}, one fused optimizer update
 * per batch, evaluation after each epoch, checkpoints, callbacks.
 *
 * <pre>{@code
 * try (Trainer t = Trainer.builder(model, optimizer).trainData(train, augment).testData(test, normalize)
 *         .epochs(10).schedule(LrSchedule.named("cosine", 10, steps)).checkpointDir(out).build()) {
 *     t.fit();
 * }
 * }</pre>
 *
 * <p>Semantics: the last partial training batch is dropped (torch's drop_last), the last evaluation batch is padded
 * and its padding ignored. A NaN or infinite loss stops training with {@link TrainingDivergedException} without the
 * optimizer applying that step — parameters, optimizer state and {@link Optimizer#stepCount()} in memory are as
 * after the last good step, whichever path ran the update (see below) — and the last checkpoint is left as it was.
 * (The step's forward did run: batch-norm running statistics and the random streams moved on, as in any step.)
 * With a checkpoint directory, {@code last.ckpt}
 * is written after every epoch and {@code best.safetensors} whenever test top-1 improves. A run resumed from
 * {@code last.ckpt} continues exactly (data order, augmentation, schedule, optimizer state, and the position of every
 * dropout and stochastic-depth stream, {@link CompiledModel#randomPositions()}); on the CPU backend its losses and
 * weights equal the uninterrupted run's bit for bit, dropout included, when the model is compiled with the same seed.
 *
 * <p>Each step is {@link CompiledModel#forwardBackward} — on CUDA a replayed CUDA graph from the model's second step
 * on (see {@link CompiledModel}, {@link CompiledModel#graphCaptureStatus()}). Batches are copied straight into the
 * model's own input and labels tensors, which the recording reads. The optimizer update runs one of two ways:
 * <ul>
 *   <li>Recorded with the step (the default, {@link Builder#recordOptimizerUpdate(boolean)}) when there is no
 *       gradient clipping and the model records its steps ({@link CompiledModel#recordsStepsWithUpdate()}): the
 *       optimizer writes the step's learning rates and step count into device memory
 *       ({@link Optimizer#writeStepScalars}), and {@link CompiledModel#forwardBackward(Tensor, float, GuardedUpdate)}
 *       replays forward, loss, backward, a guard and the update as one graph. The loss reaches the host only after
 *       the update ran, so the guard decides on the device: it clears the update's apply flags when a loss value is
 *       NaN or infinite, and the update then changes nothing. On divergence the Trainer takes back the optimizer's
 *       step count ({@link Optimizer#undoSkippedStep()}) before throwing. (Not caught on the device: finite losses
 *       whose weighted sum overflows float; that update stays applied and counted.)</li>
 *   <li>Eager after the step, with host scalars (the scheduled learning rate, Adam's step count), when the option
 *       is off, gradient clipping is configured (its norm is read on the host), or the model does not record
 *       (the CPU backend, CUDA graphs off): the loss is checked on the host before the update is issued.</li>
 * </ul>
 * Both give the same results (bit for bit on the CPU backend), divergence included. {@link #optimizerUpdateStatus()}
 * says which path runs and why.
 */
public final class Trainer implements AutoCloseable {
    public static final String LAST_CHECKPOINT = "last.ckpt";
    public static final String BEST_WEIGHTS = "best.safetensors";

    private final CompiledModel model;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final DataLoader trainLoader, testLoader;
    private final int epochs;
    private final float labelSmoothing;
    private final double maxGradNorm;
    private final boolean recordOptimizerUpdate;
    private final long seed, compileSeed;
    private final Path checkpointDir;
    private final String configJson;
    private final Map<String, String> weightsMetadata;
    private final List<TrainingListener> listeners;
    private final Tensor labels;
    private final List<Tensor> gradients;

    private int epoch, batchInEpoch;
    private long globalStep;
    private double bestTop1 = -1;

    private Trainer(Builder b) {
        this.model = b.model;
        this.optimizer = b.optimizer;
        this.schedule = b.schedule;
        this.epochs = b.epochs;
        this.labelSmoothing = b.labelSmoothing;
        this.maxGradNorm = b.maxGradNorm;
        this.recordOptimizerUpdate = b.recordOptimizerUpdate;
        this.seed = b.seed;
        this.compileSeed = b.compileSeed != null ? b.compileSeed : b.seed;
        this.checkpointDir = b.checkpointDir;
        this.configJson = b.configJson;
        this.weightsMetadata = Map.copyOf(b.weightsMetadata);
        this.listeners = List.copyOf(b.listeners);
        int n = model.inputShape().dim(0);
        checkGeometry(b.trainData, "training");
        if (b.trainData.size() < n) {
            throw new IllegalArgumentException("the training set has " + b.trainData.size() + " images, fewer than one batch of " + n + " (the last partial batch is dropped)");
        }
        this.trainLoader = new DataLoader(b.trainData, b.trainTransform, new DataLoader.Options(n, true, true, seed, b.workers, 2), b.bufferAllocator);
        if (b.testData != null) checkGeometry(b.testData, "test");
        this.testLoader = b.testData == null ? null
                : new DataLoader(b.testData, b.testTransform, new DataLoader.Options(n, false, false, seed, b.workers, 2), b.bufferAllocator);
        this.labels = model.labels(); // the model's own: forwardBackward then copies nothing
        Tensor flat = model.flatGradients();
        this.gradients = flat != null ? List.of(flat) : model.trainableParameters().values().stream().map(p -> p.grad()).toList();
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
                boolean recorded = updateInRecordedStep() == null;
                float loss;
                if (recorded) {
                    optimizer.writeStepScalars(factor); // outside the recording: this step's learning rates and count
                    loss = model.forwardBackward(labels, labelSmoothing, optimizer.guardedUpdate());
                } else {
                    loss = model.forwardBackward(labels, labelSmoothing);
                }
                if (!Float.isFinite(loss)) {
                    // The device guard skipped the recorded update: uncount it, as the eager path never counted it.
                    if (recorded) optimizer.undoSkippedStep();
                    throw new TrainingDivergedException(epoch, batch.index(), globalStep, loss);
                }
                model.backend().download(model.output(), logits);
                int hits = Ranking.correctTop1(logits, batch.labels(), batch.count());
                correct += hits;
                if (!recorded) {
                    if (maxGradNorm > 0) GradientClipping.clipGlobalNorm(model.backend(), gradients, maxGradNorm);
                    optimizer.step(factor);
                }
                globalStep++;
                batchInEpoch = batch.index() + 1;
                lossSum += loss;
                steps++;
                double seconds = (System.nanoTime() - t0) / 1e9;
                StepMetrics m = new StepMetrics(epoch, batch.index(), batches, globalStep, loss, (double) hits / batch.count(), baseLr() * factor, n / seconds, trainLoader.lastWaitNanos() / 1e6);
                listeners.forEach(l -> l.onStep(m));
            }
        }
        double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
        EvalResult test = testLoader == null ? null : Evaluator.evaluate(model, testLoader);
        epoch++;
        batchInEpoch = 0;
        if (checkpointDir != null) saveCheckpoints(test);
        EpochMetrics em = new EpochMetrics(epoch - 1, lossSum / Math.max(1, steps), correct / Math.max(1.0, (double) steps * n), steps * (double) n / trainSeconds,
                (trainLoader.totalWaitNanos() - waitStart) / 1e9, test, (System.nanoTime() - epochStart) / 1e9, baseLr() * schedule.factor(globalStep));
        listeners.forEach(l -> l.onEpochEnd(em));
        return em;
    }

    /** Null when the next step records the optimizer update with the training step; else why it runs eagerly after it. */
    private String updateInRecordedStep() {
        if (!recordOptimizerUpdate) return "Builder.recordOptimizerUpdate is off";
        if (maxGradNorm > 0) return "gradient clipping is configured (its norm is read back on the host)";
        if (!model.recordsStepsWithUpdate()) return "the model does not record training steps (" + model.graphCaptureStatus() + ")";
        return null;
    }

    /**
     * How the next step's optimizer update runs: "recorded with the training step", or "eager after the training
     * step: " and why (the option is off, gradient clipping is configured, or the model does not record its steps).
     */
    public String optimizerUpdateStatus() {
        String why = updateInRecordedStep();
        return why == null ? "recorded with the training step" : "eager after the training step: " + why;
    }

    private double baseLr() {
        return optimizer.groups().isEmpty() ? 0 : optimizer.groups().get(0).lr();
    }

    private void saveCheckpoints(EvalResult test) {
        if (test != null && test.top1() > bestTop1) {
            bestTop1 = test.top1();
            Map<String, String> meta = new java.util.LinkedHashMap<>(weightsMetadata);
            meta.put("epoch", Integer.toString(epoch));
            meta.put("top1", Double.toString(test.top1()));
            StateDicts.saveWeights(checkpointDir.resolve(BEST_WEIGHTS), model.stateDict(), model.backend(), meta);
        }
        TrainingCheckpoint.save(checkpointDir.resolve(LAST_CHECKPOINT), model.stateDict(), optimizer, model.backend(), state(), configJson);
    }

    /** The run's position, as a checkpoint records it. */
    public TrainingState state() {
        return new TrainingState(epoch, batchInEpoch, globalStep, optimizer.stepCount(), seed, compileSeed, optimizer.kind(), bestTop1,
                model.randomPositions());
    }

    /**
     * Restores model, optimizer, position and the random streams' positions from a training checkpoint;
     * {@link #fit()} then continues the run. A checkpoint without stream positions (written before they were
     * recorded) leaves the streams where they are.
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
        private boolean recordOptimizerUpdate = true;
        private long seed;
        private Long compileSeed;
        private Path checkpointDir;
        private String configJson;
        private final Map<String, String> weightsMetadata = new java.util.LinkedHashMap<>();
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
        /** Clip gradients to this global L2 norm before each update (0 = off). */
        public Builder maxGradNorm(double norm) { this.maxGradNorm = norm; return this; }
        /**
         * Record the optimizer update inside the training step's CUDA graph (default on). Takes effect without
         * gradient clipping and when the model records its steps; results are unchanged, and a NaN or infinite loss
         * still leaves model and optimizer as they were (a guard on the device skips the update; see the class
         * comment). Off issues the update eagerly after each step, one launch per parameter segment.
         */
        public Builder recordOptimizerUpdate(boolean on) { this.recordOptimizerUpdate = on; return this; }
        /** Seeds the data order and augmentation. */
        public Builder seed(long seed) { this.seed = seed; return this; }
        /** The seed the model was compiled with (it seeds the dropout plans); recorded in checkpoints. Default: {@link #seed}. */
        public Builder compileSeed(long s) { this.compileSeed = s; return this; }
        /** Where last.ckpt and best.safetensors go (null = no checkpoints). */
        public Builder checkpointDir(Path dir) { this.checkpointDir = dir; return this; }
        /** Free-form JSON stored in each checkpoint's metadata. */
        public Builder config(String json) { this.configJson = json; return this; }
        /** Extra metadata for best.safetensors (model name, input geometry, class names: what predict needs). */
        public Builder weightsMetadata(Map<String, String> meta) { this.weightsMetadata.putAll(meta); return this; }
        public Builder loaderWorkers(int n) { this.workers = n; return this; }
        /** Where the loader's batch buffers come from: pinned host memory for a CUDA backend. */
        public Builder bufferAllocator(Allocator a) { this.bufferAllocator = a; return this; }
        public Builder listener(TrainingListener l) { this.listeners.add(l); return this; }

        public Trainer build() {
            if (trainData == null) throw new IllegalStateException("no training data given");
            return new Trainer(this);
        }
    }
}
