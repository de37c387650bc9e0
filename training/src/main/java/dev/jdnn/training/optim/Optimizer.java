package dev.jdnn.training.optim;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.GuardedUpdate;
import dev.jdnn.ops.Backend;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Base of the optimizers: partitions the trainable parameters into groups and each group into as few fused update
 * calls as possible. When the parameters are views of one flat value buffer (and their gradients of a flat gradient
 * buffer at the same offsets) — as a compiled model lays them out — a group whose members are adjacent there is
 * updated by one call over the whole range; otherwise parameter by parameter. State tensors are allocated once,
 * zero-filled, laid out like the parameters (one flat tensor per state kind, or one tensor per parameter).
 *
 * <p>A step runs either with host scalars ({@link #step(double)}), or in two halves whose second can be recorded
 * into a CUDA graph with the training step: {@link #writeStepScalars(double)} puts the step's learning rates and
 * step count into a small device tensor, and {@link #enqueueUpdateFromDeviceScalars()} issues the update reading
 * them there. Both give the same result (bit for bit on the CPU backend). The tensor also holds each group's
 * {@code apply} flag ({@link dev.jdnn.ops.OptimizerScalars}): {@link #guardedUpdate()} hands the update and those
 * flags to {@code CompiledModel.forwardBackward}, whose guard clears them when the step's loss is not finite, and
 * {@link #undoSkippedStep()} then takes back the step count of a step the device skipped.
 */
public abstract class Optimizer implements AutoCloseable {
    protected final Backend backend;
    private final List<ParameterGroup> groups;
    private final List<List<Segment>> segmentsByGroup = new ArrayList<>();
    private final Map<String, Tensor> stateByName = new LinkedHashMap<>();
    private final List<Tensor> ownedState = new ArrayList<>();
    private final int scalarsPerGroup;
    private final Tensor stepScalars;        // [groups × scalarsPerGroup] on the device, written before each recordable step
    private final List<Tensor> groupScalars; // one view per group
    private final int applySlot;             // index of the apply flag within a group's scalars
    private final GuardedUpdate guardedUpdate;
    private long stepCount;
    private boolean stepPending; // writeStepScalars counted a step whose update a guard may have skipped

    /**
     * @param trainable   name → parameter with value and grad bound (e.g. {@code CompiledModel.trainableParameters()})
     * @param flatValues  the flat buffer the values are views of, or null
     * @param flatGrads   the matching flat gradient buffer, or null
     * @param stateNames  per-parameter state kinds, e.g. "momentum_buffer" (checkpoint keys are optim.&lt;param&gt;.&lt;kind&gt;)
     * @param scalarsPerGroup the length of one group's {@link dev.jdnn.ops.OptimizerScalars}
     * @param applySlot   where the apply flag sits among them
     */
    protected Optimizer(Backend backend, Map<String, Parameter> trainable, Tensor flatValues, Tensor flatGrads,
                        List<ParameterGroup> groups, List<String> stateNames, int scalarsPerGroup, int applySlot) {
        this.backend = backend;
        this.groups = List.copyOf(groups);
        this.scalarsPerGroup = scalarsPerGroup;
        if (applySlot < 0 || applySlot >= scalarsPerGroup) throw new IllegalArgumentException("apply slot " + applySlot + " outside " + scalarsPerGroup + " scalars");
        this.applySlot = applySlot;
        checkGroups(trainable, groups);
        Layout layout = Layout.of(trainable, flatValues, flatGrads);
        Tensor[] flatState = new Tensor[stateNames.size()];
        if (layout.flat) {
            for (int s = 0; s < flatState.length; s++) flatState[s] = own(backend.zeros(Shape.of(Math.toIntExact(layout.total))));
        }
        for (String pname : trainable.keySet()) {
            Parameter p = trainable.get(pname);
            for (int s = 0; s < stateNames.size(); s++) {
                Tensor t = layout.flat
                        ? flatState[s].narrow(0, Math.toIntExact(layout.offsets.get(pname)), Math.toIntExact(p.numel())).reshape(p.shape())
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
        List<Tensor> flags = groupScalars.stream().map(t -> t.narrow(0, applySlot, 1)).toList();
        guardedUpdate = new GuardedUpdate() {
            @Override
            public List<Tensor> applyFlags() {
                return flags;
            }

            @Override
            public void enqueue() {
                enqueueUpdateFromDeviceScalars();
            }
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
                boolean inside = v.buffer() == flatValues.buffer() && g.buffer() == flatGrads.buffer() && v.isContiguous() && g.isContiguous()
                        && off >= 0 && off + v.numel() <= flatValues.numel() && g.offset() - flatGrads.offset() == off;
                if (!inside) return new Layout(false, 0, Map.of(), null, null);
                offsets.put(e.getKey(), off);
            }
            Shape flat1d = Shape.of(Math.toIntExact(flatValues.numel()));
            return new Layout(true, flatValues.numel(), offsets, flatValues.reshape(flat1d), flatGrads.reshape(flat1d));
        }
    }

    /** Merges the group's parameters into maximal runs of adjacent elements of the flat buffers. */
    private static List<Segment> flatSegments(ParameterGroup g, Map<String, Parameter> trainable, Layout layout, Tensor[] flatState) {
        List<String> byOffset = new ArrayList<>(g.parameterNames());
        byOffset.sort(Comparator.comparingLong(layout.offsets::get));
        List<Segment> out = new ArrayList<>();
        long start = -1, end = -1;
        for (String n : byOffset) {
            long off = layout.offsets.get(n);
            if (off != end) {
                if (start >= 0) out.add(flatSegment(layout, flatState, start, end));
                start = off;
            }
            end = off + trainable.get(n).numel();
        }
        if (start >= 0) out.add(flatSegment(layout, flatState, start, end));
        return out;
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

    /** One update of every group, at learning rate {@code group.lr() * lrFactor} (the schedule's factor). */
    public final void step(double lrFactor) {
        stepCount++;
        stepPending = false;
        for (int gi = 0; gi < groups.size(); gi++) {
            ParameterGroup g = groups.get(gi);
            float lr = (float) (g.lr() * lrFactor);
            for (Segment s : segmentsByGroup.get(gi)) update(s, lr, (float) g.weightDecay(), stepCount);
        }
    }

    /**
     * The recordable half of a step, part one (outside any recording): counts the step and writes its per-step
     * scalars — every group's learning rate {@code group.lr() * lrFactor}, the step count as the update needs it —
     * into the optimizer's device tensor with one {@link Backend#upload}. Then
     * {@link #enqueueUpdateFromDeviceScalars()} issues the update that reads them. Together they equal
     * {@link #step(double)} bit for bit on the CPU backend. Each group's apply flag is written 1; a guard may clear
     * it before the update runs (see {@link #guardedUpdate()}, {@link #undoSkippedStep()}).
     */
    public final void writeStepScalars(double lrFactor) {
        stepCount++;
        stepPending = true;
        float[] host = new float[Math.toIntExact(stepScalars.numel())];
        for (int gi = 0; gi < groups.size(); gi++) {
            writeScalars(host, gi * scalarsPerGroup, (float) (groups.get(gi).lr() * lrFactor), stepCount);
        }
        backend.upload(host, stepScalars);
    }

    /**
     * The recordable half of a step, part two: the fused update of every group, reading the learning rate and step
     * from the device tensor {@link #writeStepScalars} last wrote. It issues only device work with the same arguments
     * every time, so it may be recorded once (inside {@code CompiledModel.forwardBackward(labels, smoothing, update)})
     * and replayed each step after {@link #writeStepScalars}. A group whose apply flag is 0 is left untouched. To
     * record it with a training step, pass {@link #guardedUpdate()}, which wraps it.
     */
    public final void enqueueUpdateFromDeviceScalars() {
        for (int gi = 0; gi < groups.size(); gi++) {
            float wd = (float) groups.get(gi).weightDecay();
            Tensor scalars = groupScalars.get(gi);
            for (Segment s : segmentsByGroup.get(gi)) update(s, wd, scalars);
        }
    }

    /**
     * This optimizer's recordable update for {@code CompiledModel.forwardBackward(labels, smoothing, update)}:
     * {@link GuardedUpdate#enqueue()} is {@link #enqueueUpdateFromDeviceScalars()}, and its
     * {@link GuardedUpdate#applyFlags()} are each group's apply slot in the step-scalar tensor, which the model's
     * guard clears when the step's loss is not finite — the update then changes no parameter and no state. Always
     * the same instance (the model keys its recording by it). Call {@link #writeStepScalars} before each step.
     */
    public final GuardedUpdate guardedUpdate() {
        return guardedUpdate;
    }

    /**
     * After a step recorded with {@link #guardedUpdate()} whose loss came back NaN or infinite: reads the apply flag
     * back from the device (synchronises) and, when the guard skipped the update, takes back the step that
     * {@link #writeStepScalars} counted. The eager path never counts a step it does not apply, so
     * {@link #stepCount()}, SGD's first step, Adam's bias corrections and checkpoints stay as they would be there.
     * Returns whether the update was skipped (false only if every loss was finite and just their weighted sum
     * overflowed: the update then ran and stays counted).
     *
     * @throws IllegalStateException when no {@link #writeStepScalars} preceded it (since the last step or undo)
     */
    public final boolean undoSkippedStep() {
        if (!stepPending) throw new IllegalStateException("undoSkippedStep: no step was written by writeStepScalars since the last step, undo or setStepCount");
        stepPending = false;
        boolean skipped = groups.isEmpty() || backend.download(groupScalars.get(0))[applySlot] == 0f; // the guard writes every group's flag alike
        if (skipped) stepCount--;
        return skipped;
    }

    /** Runs the fused update on one segment; {@code step} counts from 1. */
    protected abstract void update(Segment segment, float lr, float weightDecay, long step);

    /** Writes one group's per-step scalars ({@link dev.jdnn.ops.OptimizerScalars}' layout) at {@code dst[offset]}. */
    protected abstract void writeScalars(float[] dst, int offset, float lr, long step);

    /** Runs the fused update on one segment with the per-step scalars read from the device tensor {@code scalars}. */
    protected abstract void update(Segment segment, float weightDecay, Tensor scalars);

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
    public abstract String kind();

    @Override
    public void close() {
        ownedState.forEach(Tensor::close);
        ownedState.clear();
    }
}
