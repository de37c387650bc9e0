package dev.jdnn.networks.graph.run;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.Recording;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * The CUDA-graph bookkeeping of a {@link dev.jdnn.networks.graph.CompiledModel}: one {@link Recording} per kind of call, made with
 * {@link Backend#capture} and replayed. Per kind, the first call runs eagerly — the warm-up: kernels load and
 * libraries initialise lazily, which must not happen inside a capture — the second is captured and replayed, later
 * calls replay. A recording is made for one variant (a training step's label smoothing: another value means another
 * loss plan); a call with another variant closes it and captures anew, with no second warm-up (the kernels are
 * loaded; a new plan only changes host arguments) — except for the training step with an optimizer update, whose
 * variant includes the update: another update may launch kernels not loaded yet, so it warms up again.
 *
 * <p>Everything runs eagerly when the option is off or the backend cannot record, and a kind whose graph holds a
 * node that cannot be recorded ({@link dev.jdnn.networks.graph.nodes.Node#notCapturable()}) runs eagerly for good. A capture that throws is not
 * retried: that kind runs eagerly from then on — this call included, so the step still happens — and the failure
 * is in {@link #status()}. Nothing is ever replayed that was not recorded for exactly this kind and variant.
 */
public final class GraphRecordings implements AutoCloseable {
    public enum Kind {
        EVAL_FORWARD("evaluation forward", false), TRAINING_FORWARD("training forward", false), TRAINING_STEP("training step", false),
        /**
         * The training step with the optimizer update (and its guard) after the backward. Another update may
         * issue kernels not loaded yet, so each new variant is warmed up again before it is captured.
         */
        TRAINING_STEP_WITH_UPDATE("training step with optimizer update", true);

        final String label;
        final boolean warmUpEachVariant;

        Kind(String label, boolean warmUpEachVariant) {
            this.label = label;
            this.warmUpEachVariant = warmUpEachVariant;
        }
    }

    private static final class Slot {
        String eagerReason; // why this kind runs eagerly for good, or null
        boolean warmedUp;
        Object warmedVariant; // the variant of the warm-up (kinds that warm up each variant)
        Object variant;     // what the recording was made for
        Recording recording;
        int captures;
    }

    private final Backend backend;
    private final String off;
    private final Map<Kind, Slot> slots = new EnumMap<>(Kind.class);
    private RuntimeException captureFailure;
    private boolean eagerForNow;

    /**
     * @param cudaGraphs      whether recording was asked for ({@code CompileOptions.cudaGraphs})
     * @param trainingReason  why the training graph's work cannot be recorded (a node that says so), or null
     * @param evalReason      the same for the evaluation graph
     */
    public GraphRecordings(Backend backend, boolean cudaGraphs, String trainingReason, String evalReason) {
        this.backend = backend;
        this.off = !cudaGraphs ? "off (CompileOptions.cudaGraphs is false)"
                : !backend.supportsCapture() ? "unsupported: the " + backend.name() + " backend runs ops eagerly and cannot record them for replay"
                : null;
        for (Kind k : Kind.values()) {
            Slot s = new Slot();
            s.eagerReason = k == Kind.EVAL_FORWARD ? evalReason : trainingReason;
            slots.put(k, s);
        }
    }

    /**
     * While on, every call runs eagerly and the recordings stay as they are, to be replayed again once it is off:
     * a profile times each node call ({@link NodeProfiler}), which a replay would not pass through.
     */
    public void runEagerly(boolean on) {
        eagerForNow = on;
    }

    /** A forward of the training or the evaluation graph. */
    public void forward(boolean training, Runnable work) {
        run(training ? Kind.TRAINING_FORWARD : Kind.EVAL_FORWARD, null, work);
    }

    /** A training step (forward, loss, backward); recorded per label smoothing (another value means another loss plan). */
    public void trainingStep(float labelSmoothing, Runnable work) {
        run(Kind.TRAINING_STEP, labelSmoothing, work);
    }

    /** A training step with an optimizer update; recorded per label smoothing and per update, by identity. */
    public void trainingStepWithUpdate(float labelSmoothing, Object update, Runnable work) {
        run(Kind.TRAINING_STEP_WITH_UPDATE, new UpdateVariant(labelSmoothing, update), work);
    }

    /** True when training steps with an update are (or will be, after the warm-up) recorded and replayed. */
    public boolean recordsStepsWithUpdate() {
        return records(Kind.TRAINING_STEP_WITH_UPDATE);
    }

    /** The recording key of a training step with an update: the label smoothing and the update, by identity. */
    private record UpdateVariant(float labelSmoothing, Object update) {
        @Override
        public boolean equals(Object o) {
            return o instanceof UpdateVariant v && Float.compare(v.labelSmoothing, labelSmoothing) == 0 && v.update == update;
        }

        @Override
        public int hashCode() {
            return 31 * Float.hashCode(labelSmoothing) + System.identityHashCode(update);
        }
    }

    /** Runs {@code work}: eagerly, or captured and replayed, or replayed (see the class comment). */
    private void run(Kind kind, Object variant, Runnable work) {
        Slot s = slots.get(kind);
        if (eagerForNow || off != null || s.eagerReason != null) {
            work.run();
            return;
        }
        if (s.recording != null && !Objects.equals(s.variant, variant)) {
            s.recording.close();
            s.recording = null;
        }
        if (kind.warmUpEachVariant && s.warmedUp && s.recording == null && !Objects.equals(s.warmedVariant, variant)) s.warmedUp = false;
        if (!s.warmedUp) {
            work.run();
            s.warmedUp = true;
            s.warmedVariant = variant;
            return;
        }
        if (s.recording == null) {
            Recording r;
            try {
                r = backend.capture(work);
                if (r == null) throw new IllegalStateException("the " + backend.name() + " backend supports capture but returned no recording");
            } catch (RuntimeException e) {
                s.eagerReason = "capture failed (" + e + "), running eagerly";
                captureFailure = e;
                work.run();
                return;
            }
            s.recording = r;
            s.variant = variant;
            s.captures++;
        }
        s.recording.replay();
    }

    /** True when calls of this kind are (or will be, after the warm-up) recorded and replayed, not run eagerly for good. */
    public boolean records(Kind kind) {
        return off == null && slots.get(kind).eagerReason == null;
    }

    /** Captures made so far for this kind (tests and diagnostics). */
    public int captures(Kind kind) {
        return slots.get(kind).captures;
    }

    /** True when the next call of this kind replays a recording made for this variant. */
    public boolean replays(Kind kind, Object variant) {
        Slot s = slots.get(kind);
        return s.recording != null && Objects.equals(s.variant, variant);
    }

    /** The exception of the last capture that failed, or null. */
    public RuntimeException captureFailure() {
        return captureFailure;
    }

    /** One clause per kind: replaying, waiting for its warm-up or capture, or eager and why; or why all is off. */
    public String status() {
        if (off != null) return "CUDA graphs " + off;
        StringJoiner j = new StringJoiner("; ");
        for (Kind k : Kind.values()) {
            Slot s = slots.get(k);
            String state = s.eagerReason != null ? "eager: " + s.eagerReason
                    : s.recording != null ? "replaying (" + s.captures + (s.captures == 1 ? " capture)" : " captures)")
                    : s.warmedUp ? "warmed up, captured on the next call"
                    : "not run yet (first call warms up, second captures)";
            j.add(k.label + ": " + state);
        }
        return j.toString();
    }

    /** Releases every recording; later calls run eagerly. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (Slot s : slots.values()) {
            s.eagerReason = "model closed";
            if (s.recording == null) continue;
            try {
                s.recording.close();
            } catch (RuntimeException e) {
                if (first == null) first = e;
                else first.addSuppressed(e);
            }
            s.recording = null;
        }
        if (first != null) throw first;
    }
}
