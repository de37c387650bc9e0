package dev.jdnn.networks.graph;

import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.trace.GraphBuilder;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.plan.BufferPlan;
import dev.jdnn.networks.graph.plan.GradientFlow;
import dev.jdnn.networks.graph.plan.MemoryPlanner;
import dev.jdnn.networks.graph.run.ExecutionPlan;
import dev.jdnn.networks.graph.run.GraphRecordings;
import dev.jdnn.networks.graph.run.NodeExecution;
import dev.jdnn.networks.graph.run.NodeProfiler;

import dev.jdnn.networks.graph.nodes.PlanCache;
import dev.jdnn.networks.graph.run.ParameterStore;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.OperandType;
import dev.jdnn.networks.graph.nodes.ConvNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A module compiled for one input shape on one backend: a training graph and an evaluation graph traced from it
 * (sharing parameters), every op's plan prepared, activations and gradients laid out in one planned arena, and the
 * parameters in flat value/gradient tensors. See {@link #compile}.
 *
 * <h2>CUDA graphs</h2>
 * Everything a call touches is fixed at compile time (plans, arena offsets, parameter buffers, the model-owned
 * {@link #input()} and {@link #labels()}), so where the backend can record work for replay
 * ({@link Backend#supportsCapture()}, CUDA) and {@link CompileOptions#cudaGraphs()} is on (the default), each kind of
 * call is recorded once and replayed: the evaluation forward, the training-graph forward, the training step
 * (forward, loss, backward) per label-smoothing value, and the training step with the optimizer update
 * ({@link #forwardBackward(Tensor, float, GuardedUpdate)}) per label smoothing and update. The
 * first call of a kind runs eagerly (warm-up), the second captures and replays, later calls replay — one graph
 * launch instead of one launch and one Java-to-native call per op. Callers copy new data into {@link #input()} (and pass labels, which are copied into {@link #labels()}
 * unless they are that tensor) before each call, as before. The loss download stays outside the recording.
 *
 * <p>The optimizer update is recorded with the step: its per-step scalars (the scheduled learning rate, Adam's
 * bias corrections, SGD's first-step flag) change every step, so the update reads them from a small device tensor
 * the optimizer writes before each step ({@link dev.jdnn.ops.OptimizerScalars}), and
 * {@link #forwardBackward(Tensor, float, GuardedUpdate)} issues it inside the recording — after a guard that clears
 * the update's apply flags when a loss is NaN or infinite, so a divergent step changes nothing on the device
 * although the host reads its loss only after the replay. Gradient clipping records with it (its norm is computed
 * and applied on the device, {@link Backend#clipGradNorm}).
 *
 * <p>A graph with a node whose per-step work cannot be recorded ({@link Node#notCapturable()}; none of the built-in
 * nodes today) runs that kind eagerly; a capture that fails falls back to eager for its kind. Either way the reason
 * is in {@link #graphCaptureStatus()}; results are the same as eager execution, never a stale replay. Dropout and
 * stochastic depth record like any op: their random streams count calls in device memory, so each replay draws the
 * next mask.
 *
 * <h2>Precision and memory format</h2>
 * {@link CompileOptions#precision()} and {@link CompileOptions#layout()} decide how activations are stored: one
 * {@link OperandType} for the whole model (NHWC by default where the backend prefers it, i.e. CUDA with tensor cores;
 * bfloat16 or float16 in the mixed precisions), every plan made for it. The model input stays float32 NCHW (host
 * batches as they come) and a first node casts it; a flatten of channels-last features with more than one pixel
 * copies them into NCHW order first (PyTorch's classifier weights expect it; listed in profiles as
 * "copy(nhwc->nchw)"). Convolution weights are stored in the layout their plans read (channels-last for NHWC) under
 * their torchvision shape, so everything by name — {@link #stateDict()}, safetensors, checkpoints — sees
 * torchvision's OIHW values. In bf16/fp16 the convolutions and linear layers read half-precision weight copies, cast
 * from the float32 masters before every forward (recorded with it; never stale), while master weights, gradients,
 * optimizer state, batch-norm parameters and statistics and the loss stay float32. Float16 training adds dynamic
 * loss scaling on the device inside the recorded step ({@link LossScaling}: the loss gradient scaled, the weight
 * gradients unscaled and checked, the scale updated): a step whose gradients overflow is skipped like a diverging
 * one ({@link #lastStepFinite()}) and the scale backs off. {@link #computeSummary()} says what a model computes in.
 *
 * <h2>Fused ops</h2>
 * Where {@link CompileOptions#fusion()} says so, groups of nodes — a convolution with its batch norm and ReLU, and
 * the like — run as the backend's fused plans ({@link Backend#fuse}), in both graphs; each group that cannot keeps its
 * nodes, decided at compile time. Off by default until a GPU session has verified cuDNN's fused engines
 * ({@code withFusion(FusionMode.AUTO)} uses them on CUDA); the graph's fused nodes are wired for float32 NCHW compiles
 * only (the backends' fused patterns take other formats too), so other compiles keep every group unfused with that
 * reason.
 * {@link #fusionStatus()} lists every candidate, fused or not and why; the package documentation of
 * {@code graph.trace} says what fuses and when it falls back.
 *
 * <h2>Random streams</h2>
 * Each dropout and stochastic-depth node of the training graph draws from its own counter-based stream (a
 * {@link dev.jdnn.ops.DropoutPlan} seeded from the compile seed and the node's position), whose whole state is the
 * number of masks drawn. {@link #randomPositions()} and {@link #seekRandom} read and set those counts, so a training
 * run restored from a checkpoint continues with exactly the masks the uninterrupted run would have drawn.
 */
public final class CompiledModel implements AutoCloseable {
    /** Where each parameter starts in {@link #flatParameters()} and {@link #flatGradients()}: a multiple of this many elements. */
    public static final int PARAMETER_ALIGNMENT = ParameterStore.ALIGN_ELEMENTS;

    private final Layer module;
    private final Backend backend;
    private final Shape inputShape;
    private final Shape outputShape;
    private final PlanCache plans;
    private final ParameterStore parameters;
    private final Tensor input, labels, arena;
    private final Tensor stepValues; // [outputs + 1]: the losses, then the step's finite flag; one download per step
    private final Tensor lossValues; // [outputs]: the main loss, then each auxiliary head's (unweighted)
    private final Tensor[] losses;   // one-element views of lossValues, one per output
    private final Tensor stepFinite; // 1 when the last step's losses (and, in fp16, unscaled gradients) were finite
    private final CompileOptions.Precision precision; // what the model computes in on its backend
    private final MemoryFormat format;                 // of its activations
    private final LossScaling lossScaling;             // fp16 only, else null
    private final Tensor lossScaleState;               // the scaler's [scale, good steps] on the device; fp16 only
    private final ExecutionPlan trainingPlan, evaluationPlan;
    private final MemoryReport memoryReport;
    private final GraphRecordings recordings;
    private final FusionStatus fusion;
    private final List<DropoutPlan> randomStreams;
    private final NodeProfiler profiler; // every node call passes through it; it times them only during profile()
    private boolean training = true;
    private boolean lastStepFinite = true;
    private ExecutionPlan lastRun;
    private boolean closed;

    private CompiledModel(Layer module, Shape inputShape, Backend backend, long seed, CompileOptions options, NodeExecution execution) {
        if (inputShape.rank() != 4) throw new IllegalArgumentException("compile expects an NCHW input shape, got " + inputShape);
        this.module = module;
        this.backend = backend;
        this.inputShape = inputShape;
        this.precision = options.precision().on(backend);
        this.format = options.layout().on(backend);
        this.lossScaling = precision == CompileOptions.Precision.FP16 ? options.lossScaling() : null;
        OperandType activations = OperandType.of(format, precision.activationDtype());
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            // first: fusion checks the parameters' alignment
            parameters = track(opened, new ParameterStore(module, backend, seed, channelsLastWeights(module, inputShape, activations), activations.dtype()));
            plans = track(opened, new PlanCache(backend, seed));
            boolean fuse = options.fusion().fusesOn(backend);
            Graph trainGraph = GraphBuilder.build(module, inputShape, true, activations, options.inPlaceActivations(), fuse ? plans : null);
            Graph evalGraph = GraphBuilder.build(module, inputShape, false, activations, options.inPlaceActivations(), fuse ? plans : null);
            if (!trainGraph.output.shape().equals(evalGraph.output.shape())) {
                throw new IllegalArgumentException("training and evaluation graphs disagree on the output shape: " + trainGraph.output.shape() + " vs " + evalGraph.output.shape());
            }
            this.outputShape = trainGraph.output.shape();
            fusion = new FusionStatus(options.fusion(), fuse, backend.name(), evalGraph.fusionGroups(), trainGraph.fusionGroups());
            this.profiler = new NodeProfiler(execution);
            profiler.add(trainGraph);
            profiler.add(evalGraph);
            long workspaceBytes = Math.max(prepare(trainGraph, plans), prepare(evalGraph, plans));
            input = track(opened, backend.allocate(inputShape));
            labels = track(opened, backend.allocate(Shape.of(inputShape.dim(0)), DType.INT32));

            BufferPlan trainBuffers = new BufferPlan(trainGraph, GradientFlow.training(trainGraph), lossScaling != null);
            BufferPlan evalBuffers = new BufferPlan(evalGraph, GradientFlow.inferenceOnly(evalGraph));
            MemoryPlanner.Layout trainLayout = layout(trainBuffers, options);
            MemoryPlanner.Layout evalLayout = layout(evalBuffers, options);
            long arenaBytes = Math.max(trainLayout.size(), evalLayout.size());
            arena = track(opened, backend.allocate(rows(Math.max(1, arenaBytes / 4))));
            trainingPlan = new ExecutionPlan(trainBuffers, backend, input, arena, trainLayout.offsets(), options.poisonBuffers(), profiler, parameters::refreshCopies);
            evaluationPlan = new ExecutionPlan(evalBuffers, backend, input, arena, evalLayout.offsets(), options.poisonBuffers(), profiler, parameters::refreshCopies);
            losses = new Tensor[trainGraph.outputs().size()];
            stepValues = track(opened, backend.zeros(Shape.of(losses.length + 1))); // one tensor: one guard launch, one download
            lossValues = stepValues.narrow(0, 0, losses.length);
            stepFinite = stepValues.narrow(0, losses.length, 1);
            for (int j = 0; j < losses.length; j++) losses[j] = lossValues.narrow(0, j, 1);
            lossScaleState = lossScaling == null ? null : track(opened, backend.allocate(Shape.of(LossScaling.LENGTH)));
            if (lossScaleState != null) backend.upload(lossScaling.initialState(), lossScaleState);
            long naive = Math.max(MemoryPlanner.naive(trainBuffers.requests()).size(), MemoryPlanner.naive(evalBuffers.requests()).size());
            lastRun = evaluationPlan;
            memoryReport = new MemoryReport(arenaBytes, naive, parameters.bytes(), workspaceBytes);
            recordings = new GraphRecordings(backend, options.cudaGraphs(), trainingPlan.notCapturable(), evaluationPlan.notCapturable());
            randomStreams = randomStreams(trainGraph);
        } catch (RuntimeException | Error e) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static final int ROW = 1 << 16;

    /** A [rows, 65536] shape holding at least {@code elements}: one-dimensional shapes stop at 2^31 - 1 elements. */
    private static Shape rows(long elements) {
        return Shape.of(Math.toIntExact((elements + ROW - 1) / ROW), ROW);
    }

    private static <T extends AutoCloseable> T track(List<AutoCloseable> opened, T resource) {
        opened.add(resource);
        return resource;
    }

    /**
     * Traces {@code model} twice (training graph and evaluation graph, sharing parameters) for a fixed input shape
     * [N, C, H, W], infers and validates shapes, prepares every op's plan on {@code backend}, plans activation and
     * gradient memory, allocates parameters (trainable values in one flat buffer, gradients in another, same order)
     * and buffers, and initialises them from their Init with new SplittableRandom(seed) in state_dict order.
     */
    public static CompiledModel compile(Layer model, Shape inputShape, Backend backend, long seed) {
        return compile(model, inputShape, backend, seed, CompileOptions.DEFAULT);
    }

    /**
     * As {@link #compile(Layer, Shape, Backend, long)} with {@code options}: precision, memory format, fusion, CUDA
     * graphs, and the debug switches (no memory sharing, NaN poisoning).
     */
    public static CompiledModel compile(Layer model, Shape inputShape, Backend backend, long seed, CompileOptions options) {
        return new CompiledModel(model, inputShape, backend, seed, options, NodeExecution.DIRECT);
    }

    /** As {@link #compile(Layer, Shape, Backend, long, CompileOptions)}, every node call run through {@code execution}. */
    static CompiledModel compile(Layer model, Shape inputShape, Backend backend, long seed, CompileOptions options, NodeExecution execution) {
        return new CompiledModel(model, inputShape, backend, seed, options, execution);
    }

    /**
     * The weights of the model's convolutions when they are planned for NHWC activations: stored channels-last (KRSC),
     * as those plans read them. Found by a plain trace of both graphs (no backend needed: the parameter store, which
     * the fusion rewrite of the real graphs reads, comes first).
     */
    private static Set<Parameter> channelsLastWeights(Layer module, Shape inputShape, OperandType activations) {
        Set<Parameter> weights = Collections.newSetFromMap(new IdentityHashMap<>());
        if (activations.format() != MemoryFormat.NHWC) return weights;
        for (boolean training : new boolean[] {true, false}) {
            for (Node n : GraphBuilder.trace(module, inputShape, training, activations).nodes()) {
                if (n instanceof ConvNode conv) weights.add(conv.weight);
            }
        }
        return weights;
    }

    /** Creates every node's plans; returns the largest workspace any of them needs (of the backend's one shared workspace). */
    private static long prepare(Graph g, PlanCache plans) {
        long workspace = 0;
        for (Node n : g.nodes()) {
            try {
                n.prepare(plans);
                workspace = Math.max(workspace, n.workspaceBytes());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(n + ": preparing the " + plans.backend().name() + " plan failed: " + e.getMessage(), e);
            }
        }
        return workspace;
    }

    /** The random streams of the graph's nodes in graph order (the evaluation graph has none: no dropout, no stochastic depth). */
    private static List<DropoutPlan> randomStreams(Graph g) {
        List<DropoutPlan> streams = new ArrayList<>();
        for (Node n : g.nodes()) if (n.randomStream() != null) streams.add(n.randomStream());
        return List.copyOf(streams);
    }

    private static MemoryPlanner.Layout layout(BufferPlan buffers, CompileOptions options) {
        return options.shareMemory() ? MemoryPlanner.shared(buffers.requests()) : MemoryPlanner.naive(buffers.requests());
    }

    // ---- accessors ----------------------------------------------------------------------------------------------

    public Backend backend() { return backend; }
    public Layer module() { return module; }
    public Shape inputShape() { return inputShape; }
    /** [N, numClasses] of the main output. */
    public Shape outputShape() { return outputShape; }
    /** The graph-owned input tensor on the backend; callers upload or copy into it. */
    public Tensor input() { return input; }
    /**
     * The graph-owned int32 [N] labels tensor the training step reads. Uploading labels straight into it saves the
     * copy {@link #forwardBackward} makes of any other labels tensor.
     */
    public Tensor labels() { return labels; }

    /**
     * Switches graph: BN batch statistics and running-stat updates, dropout, stochastic depth, auxiliary heads.
     * (Frozen modules keep BN in eval mode even in training.)
     */
    public void setTraining(boolean training) { this.training = training; }
    public boolean isTraining() { return training; }

    public Map<String, Parameter> stateDict() { return parameters.stateDict(); }
    /** Only trainable parameters (frozen excluded), value and gradient bound. */
    public Map<String, Parameter> trainableParameters() { return parameters.trainable(); }
    /**
     * All trainable values, one contiguous tensor (the Parameter values are views of it), each parameter starting at a
     * multiple of {@link #PARAMETER_ALIGNMENT} elements with zeros between.
     */
    public Tensor flatParameters() { return parameters.flatValues(); }
    /** The matching gradients. */
    public Tensor flatGradients() { return parameters.flatGradients(); }
    public MemoryReport memoryReport() { return memoryReport; }

    /**
     * Whether and how calls are recorded for replay (CUDA graphs): off or unsupported, or per kind of call
     * (evaluation forward, training forward, training step, training step with optimizer update) replaying, waiting for its warm-up or capture, or eager
     * and why (a node that cannot be recorded, named; a capture that failed, with its exception).
     */
    public String graphCaptureStatus() { return recordings.status(); }

    // ---- random streams -----------------------------------------------------------------------------------------

    /**
     * The position of every random stream of the training graph (its dropout and stochastic-depth nodes, in graph
     * order): the masks each has drawn so far. Empty for a model without randomness. On CUDA this downloads the
     * device counters (synchronises).
     */
    public long[] randomPositions() {
        checkOpen();
        long[] positions = new long[randomStreams.size()];
        for (int i = 0; i < positions.length; i++) positions[i] = randomStreams.get(i).position();
        return positions;
    }

    /**
     * Moves every random stream to the given position, one per stream in the order of {@link #randomPositions()}
     * (a model compiled from the same module, input shape and seed has the same streams in the same order): the next
     * training step draws the masks that step {@code positions[i]} of an uninterrupted run drew. Recorded steps
     * (CUDA graphs) read the counters from device memory, so they follow too.
     */
    public void seekRandom(long[] positions) {
        checkOpen();
        if (positions.length != randomStreams.size()) {
            throw new IllegalArgumentException("seekRandom: the model has " + randomStreams.size() + " random streams (dropout and stochastic-depth nodes), "
                    + positions.length + " positions were given");
        }
        for (int i = 0; i < positions.length; i++) {
            if (positions[i] < 0) throw new IllegalArgumentException("seekRandom: position " + i + " is negative (" + positions[i] + ")");
        }
        for (int i = 0; i < positions.length; i++) randomStreams.get(i).seek(positions[i]);
    }

    // ---- running ------------------------------------------------------------------------------------------------

    /** Runs the current mode's graph on {@link #input()}; returns the main logits (graph-owned, valid until the next call). */
    public Tensor forward() {
        checkOpen();
        ExecutionPlan plan = training ? trainingPlan : evaluationPlan;
        lastRun = plan;
        recordings.forward(training, plan::forward);
        return plan.output();
    }

    /** The main logits of the last {@link #forward()} or {@link #forwardBackward} (graph-owned, valid until the next call). */
    public Tensor output() {
        checkOpen();
        return lastRun.output();
    }

    /**
     * Training step core: forward (training graph), softmax cross-entropy on the main output plus each auxiliary
     * output times its weight, backward in reverse order, gradients written into the parameters' grad tensors
     * (overwritten, not accumulated, each call). labels: int32 [N] on the backend, copied into {@link #labels()}
     * unless they are that tensor. Returns the total loss (synchronises).
     */
    public float forwardBackward(Tensor labels, float labelSmoothing) {
        return step(labels, labelSmoothing, null, null);
    }

    /**
     * {@link #forwardBackward(Tensor, float)} with the optimizer update run right after the backward, inside the
     * same recording: the whole training step, update included, replays as one CUDA graph. Typically the optimizer's
     * update from device-resident scalars ({@code Optimizer.guardedUpdate()}), whose per-step values the caller
     * writes into device memory before this call, outside the recording.
     *
     * <p>The guard: after the loss and before {@link GuardedUpdate#enqueue()}, each of the update's
     * {@link GuardedUpdate#applyFlags()} is set to 1 when every loss value (main and auxiliary heads) is finite — and,
     * in fp16, every weight gradient after unscaling — else 0 ({@link Backend#finiteFlag},
     * {@link Backend#unscaleAndCheck}); the update does nothing where its flag is 0. So when this returns a NaN or
     * infinite loss, parameters and optimizer state are as before the call. (Not caught: finite losses whose
     * weighted sum overflows float, beyond 10^38; the update was then applied.) The forward's own side effects
     * happen either way, as they do eagerly: batch-norm running statistics and the random streams' positions.
     *
     * <p>{@code update.enqueue()} follows the rules of {@link Backend#capture}: it may only issue asynchronous device
     * work with the same arguments on every call (no uploads, downloads, synchronisation, allocation; nothing read
     * from the host that changes per step) — a replay repeats what was recorded, whatever the update would do now.
     * The recording is made for this update instance and this label smoothing: pass the same instance every step;
     * another one is warmed up (run eagerly once) and captured again. The update runs before the losses are read, so
     * the returned loss is the step's loss whatever the update does. Without recording (off, unsupported, a node that
     * cannot be recorded) guard and update simply run eagerly after the backward.
     */
    public float forwardBackward(Tensor labels, float labelSmoothing, GuardedUpdate update) {
        java.util.Objects.requireNonNull(update, "update");
        List<Tensor> flags = List.copyOf(update.applyFlags()); // read once, outside the recording
        Runnable guardedUpdate = () -> {
            for (Tensor flag : flags) backend.copy(stepFinite, flag);
            update.enqueue();
        };
        return step(labels, labelSmoothing, update, guardedUpdate);
    }

    /**
     * True when {@link #forwardBackward(Tensor, float, GuardedUpdate)} is recorded and replayed (CUDA graphs on, the
     * backend can record, no node that cannot be recorded, no failed capture of that kind); false when it runs
     * eagerly. See {@link #graphCaptureStatus()}.
     */
    public boolean recordsStepsWithUpdate() {
        return recordings.recordsStepsWithUpdate();
    }

    /** {@code update}: what the recording of a step with an update is made for (its identity), or null without one. */
    private float step(Tensor labels, float labelSmoothing, GuardedUpdate update, Runnable afterBackward) {
        checkOpen();
        int n = inputShape.dim(0);
        if (labels.dtype() != DType.INT32 || !labels.shape().equals(Shape.of(n))) {
            throw new IllegalArgumentException("labels must be an int32 tensor of shape [" + n + "], got " + labels.describe());
        }
        labels.requireDevice(backend.device(), "labels");
        // The (recorded) step reads only model-owned buffers, so other labels are copied in, outside the recording.
        if (!(labels.isContiguous() && labels.address() == this.labels.address())) backend.copy(labels, this.labels);
        Graph graph = trainingPlan.graph();
        List<CrossEntropyPlan> lossPlans = new ArrayList<>();
        for (Value v : graph.outputs()) {
            lossPlans.add(plans.crossEntropy(v.dim(0), v.dim(1), labelSmoothing, graph.type(v.id()).dtype())); // created outside the recording
        }
        lastRun = trainingPlan;
        Runnable work = () -> {
            trainingPlan.forward();
            trainingPlan.lossAndBackward(this.labels, lossPlans, losses, lossScaleState);
            backend.finiteFlag(lossValues, stepFinite, false);
            if (lossScaling != null) unscaleGradients();
            if (afterBackward != null) afterBackward.run();
            if (lossScaling != null) backend.updateLossScale(lossScaleState, stepFinite, lossScaling);
        };
        if (update == null) recordings.trainingStep(labelSmoothing, work);
        else recordings.trainingStepWithUpdate(labelSmoothing, update, work);
        float[] values = backend.download(stepValues);
        lastStepFinite = values[losses.length] != 0f;
        float total = values[0];
        List<Graph.AuxOutput> aux = trainingPlan.graph().auxOutputs();
        for (int j = 0; j < aux.size(); j++) total += aux.get(j).weight() * values[j + 1];
        return total;
    }

    /**
     * Float16 training: the weight gradients (computed from the scaled loss) back to their true values, and the step's
     * finite flag cleared when any of them overflowed (the update then skips the step and the scale backs off).
     */
    private void unscaleGradients() {
        Tensor grads = parameters.flatGradients();
        if (grads.numel() > 0) backend.unscaleAndCheck(grads, lossScaleState, stepFinite, true);
    }

    /**
     * Whether the last training step was finite — every loss value and, in fp16, every unscaled weight gradient — so
     * that an update passed to {@link #forwardBackward(Tensor, float, GuardedUpdate)} was applied. False: the update
     * changed nothing (a diverging step, or an fp16 overflow, after which the loss scale was backed off). Read from
     * the download that returns the loss (no extra synchronisation).
     */
    public boolean lastStepFinite() {
        return lastStepFinite;
    }

    /** What the model computes in on its backend: the compile's precision, TF32 as FP32 where the backend has none. */
    public CompileOptions.Precision precision() {
        return precision;
    }

    /** The memory format of the activations (and of the convolution weights' storage). */
    public MemoryFormat memoryFormat() {
        return format;
    }

    /**
     * One line for run headers: precision and layout, and what they mean here, e.g. "precision bf16 (bfloat16
     * activations and weight copies; float32 master weights, batch norm, loss and optimizer), layout nhwc".
     */
    public String computeSummary() {
        String what = switch (precision) {
            case FP32 -> backend.device().isCuda() ? "strict float32, no TF32" : "float32";
            case TF32 -> "float32 storage, TF32 tensor cores in convolutions and matrix products";
            case BF16 -> "bfloat16 activations and weight copies; float32 master weights, batch norm, loss and optimizer";
            case FP16 -> "float16 activations and weight copies, dynamic loss scaling; float32 master weights, batch norm, loss and optimizer";
        };
        return "precision " + precision.label() + " (" + what + "), layout " + format.label();
    }

    /**
     * The fp16 loss scaler's state, {@code [scale, good steps in a row]} (see {@link LossScaling}), downloaded
     * (synchronises); null when the model does not train in fp16. Checkpoints save it.
     */
    public float[] lossScaleState() {
        checkOpen();
        return lossScaleState == null ? null : backend.download(lossScaleState);
    }

    /** Restores the fp16 loss scaler's state saved by {@link #lossScaleState()} (a resumed run continues its scale). */
    public void setLossScaleState(float[] state) {
        checkOpen();
        if (lossScaleState == null) throw new IllegalStateException("the model trains in " + precision.label() + ": it has no loss scaler");
        if (state == null || state.length != LossScaling.LENGTH || !(state[LossScaling.SCALE] > 0) || Float.isInfinite(state[LossScaling.SCALE])
                || !(state[LossScaling.GOOD_STEPS] >= 0)) {
            throw new IllegalArgumentException("a loss scaler state is [scale > 0, good steps >= 0], got " + java.util.Arrays.toString(state));
        }
        backend.upload(state, lossScaleState);
    }

    /**
     * Which groups of nodes run as the backend's fused plans and why the others do not: a first line saying whether
     * fusion is on ({@link CompileOptions#fusion()}) and how many candidates of each graph fused, then one line per
     * candidate (graph, fused or not, pattern, module paths, and the backend's implementation or the reason). See
     * {@link #fusionSummary()} for the first line alone.
     */
    public String fusionStatus() {
        return fusion.describe();
    }

    /** The first line of {@link #fusionStatus()}. */
    public String fusionSummary() {
        return fusion.summary();
    }

    /** Package-private access for tests: every candidate group of both graphs and what became of it. */
    List<dev.jdnn.networks.graph.nodes.FusionGroup> fusionGroups() {
        return fusion.groups();
    }

    /**
     * Profiles {@code step} node by node (see {@link ModelProfile}). {@code step} is the caller's work on this model,
     * one training step or one forward pass: e.g. an optimizer's {@code writeStepScalars} followed by
     * {@code forwardBackward(labels(), 0f, update)}, or {@code forward()} in evaluation mode; it may run each node at
     * most once per phase. It runs {@code max(2, warmup)} + {@code steps} times as it normally runs (the warm-up
     * lets CUDA graphs be captured), {@code steps} of them timed as a whole, then {@code warmup} + {@code steps}
     * times eagerly with every node call timed, {@code steps} of them measured. Each run does what the step always
     * does — training steps train the model — and computes exactly what an unprofiled step computes; only the
     * timing differs. Afterwards recorded calls replay again.
     */
    public ModelProfile profile(Runnable step, int warmup, int steps) {
        checkOpen();
        java.util.Objects.requireNonNull(step, "step");
        return ModelProfile.measure(this, profiler, recordings, step, warmup, steps);
    }

    /** One line per node of the chosen graph (index, op, module path, output shape), for debugging and tests. */
    public String describeGraph(boolean trainingGraph) {
        Graph g = (trainingGraph ? trainingPlan : evaluationPlan).graph();
        StringBuilder sb = new StringBuilder();
        for (Node n : g.nodes()) sb.append(n.index()).append(' ').append(n).append('\n');
        return sb.toString();
    }

    /** Package-private access for tests: the replay bookkeeping. */
    GraphRecordings recordings() {
        return recordings;
    }

    /** Package-private access for tests: the plan of one graph. */
    ExecutionPlan plan(boolean trainingGraph) {
        return trainingGraph ? trainingPlan : evaluationPlan;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("compiled model " + module + " was closed");
    }

    /** Frees everything the compile allocated (recordings, plans, parameters, arena, input, labels). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try (plans; parameters) {
            try {
                recordings.close(); // first: the recordings refer to everything below
            } finally {
                input.close();
                labels.close();
                arena.close();
                stepValues.close();
                if (lossScaleState != null) lossScaleState.close();
            }
        }
    }
}
