package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.memory.DType;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.FusedEngineStore.FusedKey;
import dev.jdnn.ops.cuda.graphapi.EngineCandidate;
import dev.jdnn.ops.cuda.graphapi.EngineChoice;
import dev.jdnn.ops.cuda.graphapi.HeuristicsMode;
import dev.jdnn.ops.cuda.graphapi.NumericalNote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Chooses the engine configuration of one fused operation graph, or says precisely why there is none:
 * <ol>
 *   <li>with autotuning, a configuration stored for this key (same GPU model, cuDNN build, spec, math, determinism,
 *       workspace limit) is used if cuDNN still builds it within the limit;</li>
 *   <li>otherwise heuristics mode A, then FALLBACK, are asked; configurations jdnn's numerics do not admit are dropped
 *       ({@link #rejection}): none left is {@link Fusion.Reason#NO_ENGINE};</li>
 *   <li>without autotuning the first admitted configuration cuDNN builds wins; with it, up to
 *       {@link Policy#maxTimed()} that build are timed, the fastest wins and is stored. None building is
 *       {@link Fusion.Reason#NO_PLAN}.</li>
 * </ol>
 * Pure logic over {@link Engines}, so the fallbacks are tested without a GPU.
 */
final class EngineChooser {
    private EngineChooser() {}

    /**
     * What jdnn's settings admit: float32 operands on tensor cores (TF32) only without {@code strictFp32}; only
     * deterministic engines with {@code deterministic}; workspace up to {@code workspaceLimit} bytes.
     */
    record Policy(boolean strictFp32, boolean deterministic, long workspaceLimit, boolean autotune, int maxTimed) {
        Policy {
            if (workspaceLimit < 0) throw new IllegalArgumentException("negative workspace limit " + workspaceLimit);
            if (maxTimed < 1) throw new IllegalArgumentException("maxTimed must be at least 1, got " + maxTimed);
        }
    }

    /** cuDNN and the device as the chooser sees them: the real ones in {@link CudaFusedGraph}, fakes in tests. */
    interface Engines<P> {
        /** The configurations heuristics {@code mode} offers, best first; throws CudaException when cuDNN cannot answer. */
        List<EngineCandidate> offered(HeuristicsMode mode);

        /** An execution plan for {@code choice}; throws CudaException when cuDNN cannot build it. */
        P build(EngineChoice choice);

        long workspaceBytes(P plan);

        /** Milliseconds per run of {@code plan} (autotuning only). */
        double millis(P plan);

        /** Releases a plan that was not chosen. */
        void discard(P plan);
    }

    /** The chooser's answer. */
    sealed interface Outcome<P> {
        /** {@code how}: where the choice came from, for fusion reports. */
        record Chosen<P>(P plan, EngineChoice choice, String how) implements Outcome<P> {}

        record Refused<P>(Fusion.Reason reason, String detail) implements Outcome<P> {}
    }

    /**
     * Why {@code c} is not admitted for operands of {@code dtype} under {@code policy}, or null when it is. Converting
     * float32 inputs to a narrower type or reducing in less than float32 is never admitted (PyTorch does neither for
     * these dtypes); TF32 tensor cores are admitted for float32 unless strict FP32 is asked for.
     */
    static String rejection(EngineCandidate c, DType dtype, Policy policy) {
        Set<NumericalNote> n = c.notes();
        if (dtype == DType.FLOAT32 && n.contains(NumericalNote.DOWN_CONVERT_INPUTS)) return "converts float32 inputs to a narrower type";
        if (n.contains(NumericalNote.REDUCED_PRECISION_REDUCTION)) return "reduces in less than float32";
        if (dtype == DType.FLOAT32 && policy.strictFp32() && n.contains(NumericalNote.TENSOR_CORE)) return "uses TF32 tensor cores under strict FP32";
        if (policy.deterministic() && n.contains(NumericalNote.NONDETERMINISTIC)) return "is not deterministic";
        if (c.workspaceBytes() > policy.workspaceLimit()) return "needs more workspace than the limit of " + policy.workspaceLimit() + " bytes";
        return null;
    }

    static <P> Outcome<P> choose(Engines<P> engines, DType dtype, Policy policy, ChoiceStore<FusedKey, EngineChoice> store, FusedKey key) {
        if (policy.autotune()) {
            Map<EngineChoice, P> revalidated = new LinkedHashMap<>();
            EngineChoice stored = store.lookup(key, c -> {
                P plan = tryBuild(engines, c, policy, null);
                if (plan == null) return null;
                revalidated.put(c, plan);
                return c;
            });
            if (stored != null) return new Outcome.Chosen<>(revalidated.get(stored), stored, "autotuned earlier (engine cache)");
        }

        // Ask the heuristics.
        Set<EngineCandidate> offered = new LinkedHashSet<>();
        Set<EngineChoice> seen = new LinkedHashSet<>();
        List<String> unanswered = new ArrayList<>();
        for (HeuristicsMode mode : HeuristicsMode.values()) {
            try {
                for (EngineCandidate c : engines.offered(mode)) if (seen.add(c.choice())) offered.add(c);
            } catch (CudaException e) {
                unanswered.add("heuristics mode " + mode + " failed: " + e.getMessage());
            }
        }
        List<EngineCandidate> admitted = new ArrayList<>();
        Map<String, Integer> rejected = new TreeMap<>();
        for (EngineCandidate c : offered) {
            String why = rejection(c, dtype, policy);
            if (why == null) admitted.add(c); else rejected.merge(why, 1, Integer::sum);
        }
        if (admitted.isEmpty()) {
            String detail = offered.isEmpty()
                    ? "cuDNN's heuristics (modes A and FALLBACK) offered no engine configuration"
                    : "cuDNN's heuristics offered " + offered.size() + " engine configuration(s), none admitted: " + tally(rejected);
            if (!unanswered.isEmpty()) detail += "; " + String.join("; ", unanswered);
            return new Outcome.Refused<>(Fusion.Reason.NO_ENGINE, detail);
        }

        // Build plans: the first that builds, or (autotuning) the fastest of the first few that build.
        List<String> failures = new ArrayList<>();
        P best = null;
        EngineChoice bestChoice = null;
        double bestMillis = Double.POSITIVE_INFINITY;
        int timed = 0, rank = 0, bestRank = 0;
        try {
            for (EngineCandidate c : admitted) {
                rank++;
                P plan = tryBuild(engines, c.choice(), policy, failures);
                if (plan == null) continue;
                if (!policy.autotune()) {
                    return new Outcome.Chosen<>(plan, c.choice(), "heuristics' choice " + rank + " of " + admitted.size() + " admitted (not timed)");
                }
                double ms;
                try {
                    ms = engines.millis(plan);
                } catch (CudaException e) { // a configuration that builds but does not run counts as one that does not build
                    engines.discard(plan);
                    failures.add(c.choice().format() + " (running it): " + e.getMessage());
                    continue;
                }
                timed++;
                if (ms < bestMillis) {
                    if (best != null) engines.discard(best);
                    best = plan;
                    bestChoice = c.choice();
                    bestMillis = ms;
                    bestRank = rank;
                } else {
                    engines.discard(plan);
                }
                if (timed == policy.maxTimed()) break;
            }
        } catch (RuntimeException | Error e) {
            if (best != null) engines.discard(best);
            throw e;
        }
        if (best == null) {
            return new Outcome.Refused<>(Fusion.Reason.NO_PLAN, "none of the " + admitted.size() + " admitted engine configuration(s) could be built and run"
                    + (failures.isEmpty() ? "" : "; first failure: " + failures.getFirst()));
        }
        store.record(key, bestChoice);
        store.save();
        return new Outcome.Chosen<>(best, bestChoice, String.format(java.util.Locale.ROOT, "autotuned: fastest of %d timed (heuristics' rank %d), %.3f ms", timed, bestRank, bestMillis));
    }

    /** A plan for {@code choice} within the workspace limit, or null (with the reason added to {@code failures}). */
    private static <P> P tryBuild(Engines<P> engines, EngineChoice choice, Policy policy, List<String> failures) {
        P plan;
        try {
            plan = engines.build(choice);
        } catch (CudaException e) {
            if (failures != null) failures.add(choice.format() + ": " + e.getMessage());
            return null;
        }
        long ws = engines.workspaceBytes(plan);
        if (ws > policy.workspaceLimit()) {
            engines.discard(plan);
            if (failures != null) failures.add(choice.format() + ": needs " + ws + " bytes of workspace, the limit is " + policy.workspaceLimit());
            return null;
        }
        return plan;
    }

    private static String tally(Map<String, Integer> rejected) {
        List<String> parts = new ArrayList<>();
        rejected.forEach((why, n) -> parts.add(n + " " + why));
        return String.join(", ", parts);
    }
}
