package dev.jdnn.benchmarks.profile;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.checkpoint.WeightsMetadata;

import java.util.List;

/**
 * What {@code jdnn bench --profile} was asked to profile, validated (an IllegalArgumentException names the option).
 *
 * @param model          the zoo model
 * @param input          the input batch shape [N, C, H, W]
 * @param classes        the classifier's classes
 * @param warmup         steps before each measurement
 * @param steps          steps measured, each way (see {@link dev.jdnn.networks.graph.CompiledModel#profile})
 * @param top            how many nodes the node table lists, slowest first (0: all)
 * @param executionOrder list the node table in execution order instead of slowest first
 * @param eval           profile the evaluation forward (inference) instead of the training step
 */
public record ProfileOptions(String model, Shape input, int classes, int warmup, int steps, int top, boolean executionOrder, boolean eval) {
    public static final List<String> ORDERS = List.of("time", "execution");

    /**
     * From the command line's values. {@code input}: "CxHxW" or null for the model's own input; {@code classes}: null
     * for 10 on the small-image models (MNIST and CIFAR statistics), else 1000; {@code order}: "time" or "execution".
     */
    public static ProfileOptions of(String model, int batch, String input, Integer classes, int warmup, int steps, int top, String order, boolean eval) {
        if (model == null) throw new IllegalArgumentException("--profile needs --model NAME (see jdnn models)");
        if (!Models.names().contains(model)) throw new IllegalArgumentException("--model: unknown model '" + model + "'; valid: " + String.join(", ", Models.names()));
        if (batch < 1) throw new IllegalArgumentException("--batch must be >= 1, got " + batch);
        if (warmup < 0) throw new IllegalArgumentException("--warmup must be >= 0, got " + warmup);
        if (steps < 1) throw new IllegalArgumentException("--steps must be >= 1 (the steps measured), got " + steps);
        if (top < 0) throw new IllegalArgumentException("--top must be >= 0 (0 lists every node), got " + top);
        if (!ORDERS.contains(order)) throw new IllegalArgumentException("--order: unknown order '" + order + "'; valid: " + String.join(", ", ORDERS));
        InputSpec own = Models.get(model).input();
        int[] chw;
        try {
            chw = input == null ? new int[]{own.channels(), own.height(), own.width()} : WeightsMetadata.parseChw(input);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--input: " + e.getMessage(), e);
        }
        Normalization n = own.normalization();
        int k = classes != null ? classes : n == Normalization.MNIST || n == Normalization.CIFAR10 ? 10 : 1000;
        if (k < 1) throw new IllegalArgumentException("--classes must be >= 1, got " + k);
        return new ProfileOptions(model, Shape.of(batch, chw[0], chw[1], chw[2]), k, warmup, steps, top, order.equals("execution"), eval);
    }

    /** "resnet50-b256" (and "-eval"): the result files' base name. */
    public String fileStem() {
        return "profile-" + model + "-b" + input.dim(0) + (eval ? "-eval" : "");
    }
}
