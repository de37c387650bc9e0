package dev.jdnn.networks;

import dev.jdnn.ops.Activation;

import java.util.List;

/**
 * What a layer's {@link Layer#forward} talks to while the model is traced into a static graph. Composite layers
 * (blocks, whole networks) call their children through {@link #call} and join branches with the structural ops;
 * leaf layers record their op with the typed methods below, torch.nn.functional's counterparts, passing their own
 * parameters and settings. Each op's shape rules, cost and execution live in one place, the graph node it becomes.
 */
public interface Tracer {
    /** True while tracing the training graph, false for the evaluation graph (GoogLeNet's aux heads read it). */
    boolean training();

    /** Runs a child module on x (records the module path, so shape errors name it). */
    Value call(Layer child, Value x);

    // ---- leaf ops --------------------------------------------------------------------------------------------------

    /** F.conv2d on NCHW x: weight [out, in/groups, k, k], bias [out] or null, square stride, padding and dilation. */
    Value conv2d(Value x, Parameter weight, Parameter bias, int stride, int padding, int dilation, int groups);

    /** F.linear on [N, in] x: weight [out, in], bias [out] or null. */
    Value linear(Value x, Parameter weight, Parameter bias);

    /**
     * F.batch_norm on NCHW x with per-channel weight, bias and running statistics. {@code batchStatistics}: normalise
     * with the batch's statistics and update the running ones (training), or use the running ones (evaluation, or a
     * frozen layer in training); only the training graph may use batch statistics.
     */
    Value batchNorm2d(Value x, Parameter weight, Parameter bias, Parameter runningMean, Parameter runningVar,
                      double eps, double momentum, boolean batchStatistics);

    /** A pointwise activation; {@code param} is LEAKY_RELU's negative slope, ignored otherwise. IDENTITY records nothing. */
    Value activation(Value x, Activation kind, float param);

    /** F.max_pool2d on NCHW x. */
    Value maxPool2d(Value x, int kernel, int stride, int padding, boolean ceilMode);

    /** F.avg_pool2d on NCHW x. */
    Value avgPool2d(Value x, int kernel, int stride, int padding, boolean ceilMode, boolean countIncludePad);

    /** F.adaptive_avg_pool2d on NCHW x to outH x outW. */
    Value adaptiveAvgPool2d(Value x, int outH, int outW);

    /** F.local_response_norm across channels. */
    Value localResponseNorm(Value x, int size, double alpha, double beta, double k);

    /** F.dropout: inverted dropout in the training graph, identity in the evaluation graph (and for p = 0). */
    Value dropout(Value x, float p);

    // ---- structural ops --------------------------------------------------------------------------------------------

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
