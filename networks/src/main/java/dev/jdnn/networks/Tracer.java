package dev.jdnn.networks;

import java.util.List;

/**
 * What a module's {@link Layer#forward} talks to while the model is traced into a static graph. Composite
 * modules (blocks, whole networks) call their children through {@link #call} and join branches with the
 * structural ops below; leaf layers record their own nodes.
 */
public interface Tracer {
    /** True while tracing the training graph, false for the evaluation graph (GoogLeNet's aux heads read it). */
    boolean training();

    /** Runs a child module on x (records the module path, so shape errors name it). */
    Value call(Layer child, Value x);

    /** Element-wise a + b of equal shapes (residual connections). */
    Value add(Value a, Value b);

    /** Concatenation along channels (dim 1); producers write straight into channel slices where layouts allow. */
    Value concat(List<Value> parts);

    /** Channels [start, start+length) of x, zero-copy (ShuffleNet v2's channel split). */
    Value narrowChannels(Value x, int start, int length);

    /** ShuffleNet's channel shuffle with the given number of groups. */
    Value channelShuffle(Value x, int groups);

    /** x * gate with gate [N, C, 1, 1] broadcast over H, W (squeeze-and-excitation). */
    Value scaleChannels(Value x, Value gate);

    /** [N, ...] → [N, prod(...)]. */
    Value flatten(Value x);

    /**
     * He et al.'s option-A shortcut for CIFAR ResNets: subsample x by {@code stride} in H and W, then zero-pad
     * channels symmetrically to {@code outChannels} (as x[:, :, ::2, ::2] padded by (out-in)/2 on each side).
     */
    Value shortcutPadChannels(Value x, int stride, int outChannels);

    /** torchvision's StochasticDepth(p, mode="row"): in training, drops whole samples with probability p and scales by 1/(1-p). */
    Value stochasticDepth(Value x, float p);

    /** Registers an extra classifier output whose loss is added with the given weight in training (GoogLeNet aux). */
    void auxiliaryOutput(Value logits, float lossWeight);
}
