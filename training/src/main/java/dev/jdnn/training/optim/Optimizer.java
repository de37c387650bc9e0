package dev.jdnn.training.optim;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.GuardedUpdate;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.OptimizerScalars;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torch.optim's SGD, Adam and AdamW (the rule is an {@link OptimizerConfig}) over the trainable parameters,
 * partitioned into groups ({@link ParameterGroup}: learning rate, weight decay) and each group into as few fused
 * update calls as possible. When the parameters are views of one flat value buffer (and their gradients of a flat
 * gradient buffer at the same offsets) — as a compiled model lays them out — a group whose members are adjacent there
 * is updated by one call over the whole range; otherwise parameter by parameter. A parameter may lie in its range in any
 * order (a channels-last convolution weight: its logical shape with permuted strides): the update is elementwise.
 * State tensors are allocated once, zero-filled, laid out like the parameters (one flat tensor per state kind, each
 * parameter's state with its parameter's strides, so state dicts read it in the parameter's logical order; or one
 * tensor per parameter).
 * {@link Optimizers} builds the usual ones for a compiled model.
 *
 * <p>A step has one path, in two halves: {@link #writeStepScalars(double)} counts the step and writes its per-step
 * values (each group's scheduled learning rate, the step count as the rule needs it) into a small device tensor
 * ({@link OptimizerScalars}), outside any recording; {@link #enqueueUpdate()} issues the fused update, which reads
 * them there when it runs — so it may be recorded into a CUDA graph with the training step and replayed, or simply
 * run (eager means not recorded, nothing else). {@link #step(double)} is both halves at once. The tensor also holds
 * each group's {@code apply} flag: {@link #guardedUpdate()} hands the update and those flags to
 * {@code CompiledModel.forwardBackward}, whose guard clears them when the step's loss is not finite, and
 * {@link #undoSkippedStep()} then takes back the step count of a step the device skipped.
 */
public final class Optimizer implements AutoCloseable {
    private final Backend backend;
    private final OptimizerConfig rule;
    private final List<ParameterGroup> groups;
    private final List<OptimizerConfig> groupRules; // the rule with each group's weight decay
    private final List<List<Segment>> segmentsByGroup = new ArrayList<>();
    private final Map<String, Tensor> stateByName = new LinkedHashMap<>();
    private final List<Tensor> ownedState = new ArrayList<>();
    private final int scalarsPerGroup;
    private final Tensor stepScalars;        // [groups × scalarsPerGroup] on the device, written before each step
    private final List<Tensor> groupScalars; // one view per group
    private final GuardedUpdate guardedUpdate;
    private long stepCount;
    private boolean stepPending; // writeStepScalars counted a step whose update a guard may have skipped

    /**
     * @param trainable  name → parameter with value and grad bound (e.g. {@code CompiledModel.trainableParameters()})
     * @param flatValues the flat buffer the values are views of, or null; laid out as a compiled model's are
     *                   (each parameter back to back with the one before it or at the next multiple of
     *                   {@link CompiledModel#PARAMETER_ALIGNMENT}, with zeros between)
     * @param flatGrads  the matching flat gradient buffer, or null
     * @param groups     every trainable parameter in exactly one group
     * @param rule       SGD or Adam/AdamW; its weight decay is replaced by each group's
     */
    public Optimizer(Backend backend, Map<String, Parameter> trainable, Tensor flatValues, Tensor flatGrads,
                     List<ParameterGroup> groups, OptimizerConfig rule) {
        this.backend = backend;
        this.rule = rule;
        this.groups = List.copyOf(groups);
        this.groupRules = this.groups.stream().map(g -> rule.withWeightDecay(g.weightDecay())).toList();
        this.scalarsPerGroup = OptimizerScalars.length(rule);
        checkGroups(trainable, groups);
        List<String> stateNames = stateNames(rule);
        Layout layout = Layout.of(trainable, flatValues, flatGrads);
        Tensor[] flatState = new Tensor[stateNames.size()];
        if (layout.flat) {
            for (int s = 0; s < flatState.length; s++) flatState[s] = own(backend.zeros(Shape.of(Math.toIntExact(layout.total))));
        }
        for (String pname : trainable.keySet()) {
            Parameter p = trainable.get(pname);
            for (int s = 0; s < stateNames.size(); s++) {
                Tensor t = layout.flat
                        ? flatState[s].asStrided(p.shape(), p.value().strides(), layout.offsets.get(pname)) // laid out like the parameter
                        : own(backend.zeros(p.shape()));
                stateByName.put("optim." + pname + "." + stateNames.get(s), t);
            }
        }
        for (ParameterGroup g : groups) {
            segmentsByGroup.add(layout.flat ? flatSegments(g, trainable, layout, flatState) : perParameter(g, trainable, stateNames));
        }
        stepScalars = own(backend.zeros(Shape.of(Math.max(1, groups.size() * scalarsPerGroup))));
        List<Tensor> views = new ArrayList<>();
        for (int gi = 0; gi < groups.size(); gi++) views.add(stepScalars.narrow(0, gi * scalarsPerGroup, scalarsPerGroup));
        groupScalars = List.copyOf(views);
        int applySlot = OptimizerScalars.applySlot(rule);
        List<Tensor> flags = groupScalars.stream().map(t -> t.narrow(0, applySlot, 1)).toList();
        guardedUpdate = new GuardedUpdate() {
            @Override
            public List<Tensor> applyFlags() {
                return flags;
            }

            @Override
            public void enqueue() {
                enqueueUpdate();
            }
        };
    }

    /** The state each parameter has under this rule, by checkpoint kind (torch's state_dict names). */
    private static List<String> stateNames(OptimizerConfig rule) {
        return switch (rule) {
            case OptimizerConfig.Sgd s -> s.hasMomentum() ? List.of("momentum_buffer") : List.of();
            case OptimizerConfig.Adam a -> a.amsgrad() ? List.of("exp_avg", "exp_avg_sq", "max_exp_avg_sq") : List.of("exp_avg", "exp_avg_sq");
        };
    }

    private Tensor own(Tensor t) {
        ownedState.add(t);
        return t;
    }

    private static void checkGroups(Map<String, Parameter> trainable, List<ParameterGroup> groups) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (ParameterGroup g : groups) {
            for (String n : g.parameterNames()) {
                Parameter p = trainable.get(n);
                if (p == null) throw new IllegalArgumentException("group '" + g.name() + "' names '" + n + "', which is not a trainable parameter");
                if (p.value() == null || p.grad() == null) throw new IllegalArgumentException("parameter '" + n + "' has no value/grad bound: compile the model first");
                String prev = seen.put(n, g.name());
                if (prev != null) throw new IllegalArgumentException("parameter '" + n + "' is in groups '" + prev + "' and '" + g.name() + "'");
            }
        }
        List<String> missing = trainable.keySet().stream().filter(n -> !seen.containsKey(n)).toList();
        if (!missing.isEmpty()) throw new IllegalArgumentException("trainable parameters in no group: " + missing);
    }

    /** Where each parameter sits in the flat buffers, when all of them do (same offset for value and grad). */
    private record Layout(boolean flat, long total, Map<String, Long> offsets, Tensor values, Tensor grads) {
        static Layout of(Map<String, Parameter> trainable, Tensor flatValues, Tensor flatGrads) {
            Map<String, Long> offsets = new LinkedHashMap<>();
            if (flatValues == null || flatGrads == null || !flatValues.isContiguous() || !flatGrads.isContiguous() || flatValues.numel() != flatGrads.numel()) {
                return new Layout(false, 0, offsets, null, null);
            }
            for (var e : trainable.entrySet()) {
                Tensor v = e.getValue().value(), g = e.getValue().grad();
                long off = v.offset() - flatValues.offset();
                boolean inside = v.buffer() == flatValues.buffer() && g.buffer() == flatGrads.buffer() && dense(v) && Arrays.equals(v.strides(), g.strides())
                        && off >= 0 && off + v.numel() <= flatValues.numel() && g.offset() - flatGrads.offset() == off;
                if (!inside) return new Layout(false, 0, Map.of(), null, null);
                offsets.put(e.getKey(), off);
            }
            Shape flat1d = Shape.of(Math.toIntExact(flatValues.numel()));
            return new Layout(true, flatValues.numel(), offsets, flatValues.reshape(flat1d), flatGrads.reshape(flat1d));
        }

        /**
         * True when {@code t} fills exactly {@code numel} consecutive elements in some order: row-major, or permuted
         * strides such as a channels-last convolution weight. An elementwise update over that range is an update of t.
         */
        private static boolean dense(Tensor t) {
            for (long stride : t.strides()) if (stride < 0) return false;
            return t.span() == t.numel();
        }
    }

    /**
     * Merges the group's parameters into maximal runs of the flat buffers: a parameter joins the run before it when no
     * other parameter starts in between and the gap is at most the alignment padding of a compiled model's buffers
     * ({@link CompiledModel#PARAMETER_ALIGNMENT}); a run also takes the padding after its last parameter, up to the
     * next parameter. That padding is zero in values, gradients and state, a fixed point of every rule, and it makes
     * runs of whole aligned blocks, which the GPU updates with vector loads.
     */
    private static List<Segment> flatSegments(ParameterGroup g, Map<String, Parameter> trainable, Layout layout, Tensor[] flatState) {
        long[] starts = layout.offsets.values().stream().mapToLong(Long::longValue).sorted().toArray();
        List<String> byOffset = new ArrayList<>(g.parameterNames());
        byOffset.sort(Comparator.comparingLong(layout.offsets::get));
        List<Segment> out = new ArrayList<>();
        long start = -1, end = -1;
        for (String n : byOffset) {
            long off = layout.offsets.get(n);
            boolean joins = start >= 0 && off <= paddedEnd(end, starts, layout.total);
            if (!joins) {
                if (start >= 0) out.add(flatSegment(layout, flatState, start, paddedEnd(end, starts, layout.total)));
                start = off;
            }
            end = off + trainable.get(n).numel();
        }
        if (start >= 0) out.add(flatSegment(layout, flatState, start, paddedEnd(end, starts, layout.total)));
        return out;
    }

    /** Where the padding after a run ending at {@code end} ends: the next aligned element, the next parameter or the buffer's end. */
    private static long paddedEnd(long end, long[] starts, long total) {
        int i = Arrays.binarySearch(starts, end);
        long next = i >= 0 ? starts[i] : -i - 1 < starts.length ? starts[-i - 1] : total;
        long aligned = Math.ceilDiv(end, CompiledModel.PARAMETER_ALIGNMENT) * CompiledModel.PARAMETER_ALIGNMENT;
        return Math.min(Math.min(aligned, next), total);
    }

    private static Segment flatSegment(Layout layout, Tensor[] flatState, long start, long end) {
        int s = Math.toIntExact(start), len = Math.toIntExact(end - start);
        Tensor[] state = new Tensor[flatState.length];
        for (int k = 0; k < state.length; k++) state[k] = flatState[k].narrow(0, s, len);
        return new Segment(layout.values.narrow(0, s, len), layout.grads.narrow(0, s, len), state);
    }

    private List<Segment> perParameter(ParameterGroup g, Map<String, Parameter> trainable, List<String> stateNames) {
        List<Segment> out = new ArrayList<>();
        for (String n : g.parameterNames()) {
            Parameter p = trainable.get(n);
            Tensor[] state = new Tensor[stateNames.size()];
            for (int k = 0; k < state.length; k++) state[k] = stateByName.get("optim." + n + "." + stateNames.get(k));
            out.add(new Segment(p.value(), p.grad(), state));
        }
        return out;
    }

    /** One step of every group at learning rate {@code group.lr() * lrFactor} (the schedule's factor): both halves. */
    public void step(double lrFactor) {
        writeStepScalars(lrFactor);
        enqueueUpdate();
        stepPending = false;
    }

    /**
     * The first half of a step (outside any recording): counts the step and writes its per-step values — every
     * group's learning rate {@code group.lr() * lrFactor}, in double, and what the rule derives from it and the step
     * count ({@link OptimizerScalars}) — into the optimizer's device tensor with one {@link Backend#upload}. Each
     * group's apply flag is written 1; a guard may clear it before the update runs (see {@link #guardedUpdate()},
     * {@link #undoSkippedStep()}).
     */
    public void writeStepScalars(double lrFactor) {
        stepCount++;
        stepPending = true;
        float[] host = new float[Math.toIntExact(stepScalars.numel())];
        for (int gi = 0; gi < groups.size(); gi++) {
            OptimizerScalars.write(groupRules.get(gi), host, gi * scalarsPerGroup, groups.get(gi).lr() * lrFactor, stepCount);
        }
        backend.upload(host, stepScalars);
    }

    /**
     * The second half of a step: the fused update of every group, reading the values {@link #writeStepScalars} last
     * wrote when it runs. It issues only device work with the same arguments every time, so it may be recorded once
     * (inside {@code CompiledModel.forwardBackward(labels, smoothing, update)}) and replayed each step after
     * {@link #writeStepScalars}. A group whose apply flag is 0 is left untouched. To record it with a training step,
     * pass {@link #guardedUpdate()}, which wraps it.
     */
    public void enqueueUpdate() {
        for (int gi = 0; gi < groups.size(); gi++) {
            Tensor scalars = groupScalars.get(gi);
            for (Segment s : segmentsByGroup.get(gi)) {
                switch (groupRules.get(gi)) {
                    case OptimizerConfig.Sgd sgd -> backend.sgdStep(s.values(), s.grads(), sgd.hasMomentum() ? s.state()[0] : null, sgd, scalars);
                    case OptimizerConfig.Adam adam -> backend.adamStep(s.values(), s.grads(), s.state()[0], s.state()[1],
                            adam.amsgrad() ? s.state()[2] : null, adam, scalars);
                }
            }
        }
    }

    /**
     * This optimizer's recordable update for {@code CompiledModel.forwardBackward(labels, smoothing, update)}:
     * {@link GuardedUpdate#enqueue()} is {@link #enqueueUpdate()}, and its
     * {@link GuardedUpdate#applyFlags()} are each group's apply slot in the step-scalar tensor, which the model's
     * guard clears when the step's loss is not finite — the update then changes no parameter and no state. Always
     * the same instance (the model keys its recording by it). Call {@link #writeStepScalars} before each step.
     */
    public GuardedUpdate guardedUpdate() {
        return guardedUpdate;
    }

    /**
     * After a step run with {@link #guardedUpdate()} whose loss came back NaN or infinite: reads the apply flag back
     * from the device (synchronises) and, when the guard skipped the update, takes back the step that
     * {@link #writeStepScalars} counted, so {@link #stepCount()}, SGD's first step, Adam's bias corrections and
     * checkpoints stay as after the last applied step.
     * Returns whether the update was skipped (false only if every loss was finite and just their weighted sum
     * overflowed: the update then ran and stays counted).
     *
     * @throws IllegalStateException when no {@link #writeStepScalars} preceded it (since the last step or undo)
     */
    public boolean undoSkippedStep() {
        if (!stepPending) throw new IllegalStateException("undoSkippedStep: no step was written by writeStepScalars since the last step, undo or setStepCount");
        stepPending = false;
        boolean skipped = groups.isEmpty() || backend.download(groupScalars.get(0))[OptimizerScalars.applySlot(rule)] == 0f; // the guard writes every group's flag alike
        if (skipped) stepCount--;
        return skipped;
    }

    /** The update rule (its weight decay is each group's own). */
    public OptimizerConfig rule() {
        return rule;
    }

    public List<ParameterGroup> groups() {
        return groups;
    }

    /** How many fused calls each group's update takes (1 when the group is one contiguous range). */
    public List<Integer> segmentCounts() {
        return segmentsByGroup.stream().map(List::size).toList();
    }

    /** Steps taken so far (restored from a checkpoint on resume: SGD's first step and Adam's bias correction depend on it). */
    public long stepCount() {
        return stepCount;
    }

    public void setStepCount(long steps) {
        if (steps < 0) throw new IllegalArgumentException("step count must be >= 0, got " + steps);
        this.stepCount = steps;
        this.stepPending = false;
    }

    /** The state tensors by checkpoint key {@code optim.<param>.<kind>}, each shaped like its parameter. */
    public Map<String, Tensor> state() {
        return Collections.unmodifiableMap(stateByName);
    }

    /** "sgd", "adam" or "adamw": recorded in checkpoints so a resume with another optimizer is refused. */
    public String kind() {
        return rule.kind();
    }

    @Override
    public void close() {
        ownedState.forEach(Tensor::close);
        ownedState.clear();
    }
}
