package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.layers.Linear;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One entry of the model zoo ({@link Models#get}): how to build the model, and what fine-tuning and prediction need
 * to know about it — where its classifier heads are, which layers form its last stage, the input it expects, and
 * the training recipe that suits it. Paths are module paths as in PyTorch's state-dict keys ({@code "fc"},
 * {@code "classifier.6"}, {@code "layer4"}).
 */
public final class ZooModel {
    private final String name;
    private final Function<ModelConfig, Layer> builder;
    private final List<String> heads, lastStage;
    private final InputSpec input;
    private final TrainingRecipe recipe;

    ZooModel(String name, Function<ModelConfig, Layer> builder, List<String> heads, List<String> lastStage, InputSpec input, TrainingRecipe recipe) {
        this.name = name;
        this.builder = builder;
        this.heads = List.copyOf(heads);
        this.lastStage = List.copyOf(lastStage);
        this.input = input;
        this.recipe = recipe;
    }

    public String name() {
        return name;
    }

    /** A fresh model (new parameters, initialised as torchvision does). */
    public Layer create(ModelConfig cfg) {
        return builder.apply(cfg);
    }

    /** A fresh model for this many classes and this input geometry ({@link ModelConfig#of}). */
    public Layer create(int numClasses, int channels, int height, int width) {
        return create(ModelConfig.of(numClasses, channels, height, width));
    }

    /**
     * The {@link Linear} layers whose output is the class count: the classifier first ({@code "fc"},
     * {@code "classifier.6"}, ...), then auxiliary classifiers (GoogLeNet's {@code aux1.fc2}, {@code aux2.fc2}), which
     * exist only in models built with {@link ModelConfig#auxLogits()}; see {@link #heads(Layer)}.
     */
    public List<String> heads() {
        return heads;
    }

    /** The classifier: the first of {@link #heads()}. */
    public String head() {
        return heads.getFirst();
    }

    /** The heads present in {@code model} (auxiliary ones only when it was built with them). */
    public List<String> heads(Layer model) {
        Map<String, Layer> modules = model.namedModules();
        return heads.stream().filter(modules::containsKey).toList();
    }

    /**
     * The layers trained with the heads in {@link Trainable#LAST_STAGE} fine-tuning: the feature extractor's last
     * resolution stage (a ResNet's {@code layer4}, a VGG's last block of convolutions) and any layers between it and
     * the classifier (a VGG's first two fully connected layers, MobileNet v3's pre-classifier layer).
     */
    public List<String> lastStage() {
        return lastStage;
    }

    /** The input this model is built for and the preprocessing its (torchvision) weights expect. */
    public InputSpec input() {
        return input;
    }

    /** The training defaults that suit this model. */
    public TrainingRecipe recipe() {
        return recipe;
    }

    /**
     * Replaces every head present in {@code model} with a freshly initialised {@link Linear} of the same input width
     * and {@code numClasses} outputs (before compiling): a model built for ImageNet's 1000 classes, weights loaded
     * or not, becomes a model for a new data set. The new heads are trainable.
     */
    public void replaceHead(Layer model, int numClasses) {
        if (numClasses < 1) throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        for (String path : heads(model)) {
            if (!(model.module(path) instanceof Linear old)) {
                throw new IllegalStateException(name + ": the head at '" + path + "' is a " + model.module(path).getClass().getSimpleName() + ", not a Linear");
            }
            model.replace(path, new Linear(old.inFeatures, numClasses, old.bias != null));
        }
    }

    /**
     * Freezes {@code model} for fine-tuning, leaving trainable only what {@code trainable} names (see
     * {@link Trainable}). Frozen layers get no gradients and no optimizer state, and their batch norms keep using
     * their running statistics while training. Call before compiling.
     */
    public void freeze(Layer model, Trainable trainable) {
        model.unfreeze();
        if (trainable == Trainable.ALL) return;
        model.freeze();
        List<String> open = new ArrayList<>(heads(model));
        if (trainable == Trainable.LAST_STAGE) open.addAll(lastStage);
        for (String path : open) model.module(path).unfreeze();
    }

    /** True when a state-dict key (e.g. {@code "fc.weight"}) belongs to one of {@code paths}. */
    public static boolean isUnder(String key, List<String> paths) {
        for (String p : paths) if (key.startsWith(p + ".")) return true;
        return false;
    }

    @Override
    public String toString() {
        return name;
    }
}
