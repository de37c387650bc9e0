package dev.jdnn.training.optim;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A learning-rate schedule as a factor of each group's base learning rate at optimizer step {@code step} (counted
 * from 0, per iteration). Pure functions of the step, so a resumed run continues the schedule exactly.
 */
@FunctionalInterface
public interface LrSchedule {
    double factor(long step);

    static LrSchedule constant() {
        return step -> 1.0;
    }

    /** torch's StepLR: gamma^floor(step / stepSize). */
    static LrSchedule stepDecay(long stepSize, double gamma) {
        if (stepSize < 1) throw new IllegalArgumentException("step size must be >= 1, got " + stepSize);
        return step -> Math.pow(gamma, Math.floorDiv(step, stepSize));
    }

    /** torch's MultiStepLR: gamma^(number of milestones {@literal <=} step). */
    static LrSchedule multiStep(long[] milestones, double gamma) {
        long[] m = milestones.clone();
        Arrays.sort(m);
        return step -> {
            int passed = 0;
            for (long x : m) if (step >= x) passed++;
            return Math.pow(gamma, passed);
        };
    }

    /**
     * Linear warm-up from {@code warmupStartFactor} to 1 over {@code warmupSteps}, then cosine annealing to
     * {@code minFactor} at {@code totalSteps} (held there afterwards).
     */
    static LrSchedule warmupCosine(long warmupSteps, long totalSteps, double warmupStartFactor, double minFactor) {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) throw new IllegalArgumentException("need 0 <= warm-up steps (" + warmupSteps + ") <= total steps (" + totalSteps + "), total >= 1");
        return step -> {
            if (step < warmupSteps) return warmupStartFactor + (1 - warmupStartFactor) * step / warmupSteps;
            long span = totalSteps - warmupSteps;
            double t = span == 0 ? 1 : Math.min(1.0, (double) (step - warmupSteps) / span);
            return minFactor + (1 - minFactor) * 0.5 * (1 + Math.cos(Math.PI * t));
        };
    }

    /**
     * torch's OneCycleLR (anneal_strategy="cos", three_phase=False) with the base learning rate as max_lr:
     * from 1/divFactor up to 1 over the first pctStart of the steps, then down to 1/(divFactor·finalDivFactor).
     * (Momentum cycling is not applied.)
     */
    static LrSchedule oneCycle(long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        if (totalSteps < 2) throw new IllegalArgumentException("one-cycle needs at least 2 steps, got " + totalSteps);
        double initial = 1 / divFactor, min = initial / finalDivFactor;
        double upEnd = pctStart * totalSteps - 1, end = totalSteps - 1;
        return step -> {
            if (step <= upEnd) return annealCos(initial, 1, upEnd <= 0 ? 1 : step / upEnd);
            return annealCos(1, min, Math.min(1, (step - upEnd) / (end - upEnd)));
        };
    }

    private static double annealCos(double start, double end, double pct) {
        return end + (start - end) / 2 * (Math.cos(Math.PI * pct) + 1);
    }

    List<String> NAMES = List.of("constant", "step", "cosine", "onecycle");

    /**
     * Whether the named schedule's factors depend on the run's length (all but constant): the first epochs of a
     * 1-epoch run then differ from those of a 2-epoch run, so such a run cannot be extended into a longer one.
     */
    static boolean spansRun(String name) {
        return !name.toLowerCase(Locale.ROOT).equals("constant");
    }

    /**
     * The CLI's schedules over a run of {@code epochs} × {@code stepsPerEpoch} steps: step = ×0.1 every third of the
     * epochs (at least every epoch), cosine = one epoch (at most 10% of the run) of linear warm-up then cosine to 0,
     * onecycle = torch's defaults (30% up, div 25, final div 1e4).
     */
    static LrSchedule named(String name, int epochs, long stepsPerEpoch) {
        long total = Math.max(1, epochs * stepsPerEpoch);
        return named(name, epochs, stepsPerEpoch, name.equalsIgnoreCase("cosine") ? (double) Math.min(stepsPerEpoch, total / 10) / stepsPerEpoch : 0);
    }

    /**
     * As {@link #named(String, int, long)} with {@code warmupEpochs} of linear warm-up from 0 (torchvision's
     * {@code --lr-warmup-epochs}; fractions allowed) before the schedule, which then spans the remaining steps;
     * onecycle has its own warm-up and takes none.
     */
    static LrSchedule named(String name, int epochs, long stepsPerEpoch, double warmupEpochs) {
        long total = Math.max(1, epochs * stepsPerEpoch);
        long warmup = Math.round(warmupEpochs * stepsPerEpoch);
        if (warmupEpochs < 0 || warmup > total) throw new IllegalArgumentException("warm-up must be between 0 and " + epochs + " epochs, got " + warmupEpochs);
        String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("onecycle") && warmup > 0) throw new IllegalArgumentException("the onecycle schedule has its own warm-up; give no warm-up epochs");
        LrSchedule main = switch (n) {
            case "constant" -> constant();
            case "step" -> stepDecay(Math.max(1, Math.max(1, epochs / 3) * stepsPerEpoch), 0.1);
            case "cosine" -> warmupCosine(warmup, total, 0.0, 0.0);
            case "onecycle" -> oneCycle(Math.max(2, total), 0.3, 25, 1e4);
            default -> throw new IllegalArgumentException("unknown schedule '" + name + "'; valid: " + NAMES);
        };
        if (warmup == 0 || n.equals("cosine")) return main;
        return step -> step < warmup ? (double) step / warmup : main.factor(step - warmup);
    }
}
