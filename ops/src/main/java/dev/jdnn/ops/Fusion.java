package dev.jdnn.ops;

import java.util.Objects;

/**
 * The answer of {@link Backend#fuse}: a fused plan, or the precise reason this backend could not fuse the pattern for
 * that spec, so that a caller (the graph layer) falls back to the pattern's unfused ops for that node and can say why
 * in its fusion status.
 */
public sealed interface Fusion<P extends FusedPlan> {
    /** Why a pattern was not fused. */
    enum Reason {
        /** The backend has no fused plan for this dtype or layout (e.g. the CPU backend and bf16). */
        OPERANDS_UNSUPPORTED,
        /** cuDNN refused the operation graph itself: a pattern, layout or dtype this cuDNN build or device does not support. */
        GRAPH_REJECTED,
        /** The engine heuristics offered no configuration that the backend's numerics and workspace limit admit. */
        NO_ENGINE,
        /** Configurations were offered, but none could be built into an execution plan on this device (or ran when timed). */
        NO_PLAN
    }

    /** The pattern as one plan. */
    record Fused<P extends FusedPlan>(P plan) implements Fusion<P> {
        public Fused {
            Objects.requireNonNull(plan, "plan");
        }

        @Override
        public String describe() {
            return "fused: " + plan.implementation();
        }
    }

    /** Not fused, and why: {@code detail} names what refused it (the cuDNN status, the heuristics' answer, ...). */
    record Unfused<P extends FusedPlan>(FusedSpec<P> spec, Reason reason, String detail) implements Fusion<P> {
        public Unfused {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }

        @Override
        public P plan() {
            throw new IllegalStateException(spec.describe() + " " + describe());
        }

        @Override
        public String describe() {
            return "not fused (" + reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + "): " + detail;
        }
    }

    /** A fused result, checked against the plan type the spec declares. */
    static <P extends FusedPlan> Fusion<P> fused(FusedSpec<P> spec, FusedPlan plan) {
        return new Fused<>(spec.planType().cast(plan));
    }

    static <P extends FusedPlan> Fusion<P> unfused(FusedSpec<P> spec, Reason reason, String detail) {
        return new Unfused<>(spec, reason, detail);
    }

    default boolean isFused() {
        return this instanceof Fused;
    }

    /** The fused plan; throws, naming the pattern and the reason, when it was not fused. */
    P plan();

    /** One line for fusion reports. */
    String describe();
}
