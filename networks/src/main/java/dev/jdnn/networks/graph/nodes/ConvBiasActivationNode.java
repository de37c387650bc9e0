package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.ConvBiasActivationPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * The evaluation graph's convolution together with what follows it — its batch norm (running statistics), its ReLU,
 * or both — as one {@link ConvBiasActivationPlan}: {@code y = act(conv(x, w') + b')}, one pass over the output instead
 * of one per op.
 *
 * <p>With a batch norm, w' and b' are the batch norm folded into the convolution: with
 * {@code s = gamma / sqrt(var + eps)}, {@code w'[k] = w[k] * s[k]} and {@code b' = (b - mean) * s + beta} (b the
 * convolution's bias, or 0). They are recomputed at every forward, from the weights and running statistics as they
 * are then, by three small ops (so a folded copy is never stale after a training step or a weight load, and the forward
 * records as a CUDA graph like any other): s and b' are the batch norm's own inference op applied to a ones vector and
 * to b, w' is a per-output-channel scale of w. That costs a pass over w per forward, which the fusion rewrite weighs
 * against the output passes saved. Without a batch norm, w and the convolution's bias go in unchanged.
 *
 * <p>Evaluation only: the node has no backward.
 */
public final class ConvBiasActivationNode extends Node {
    private static final int FOLDED_WEIGHT = 0, FOLDED_BIAS = 1, SCALE = 2, ONES = 3, ZEROS = 4;

    private final ConvNode conv;
    private final BatchNormNode bn; // null: nothing to fold
    private final Activation activation;
    private final ConvBiasActivationPlan plan;
    private BatchNormPlan fold;    // the batch norm's inference on [1, K, 1, 1]: its per-channel scale and shift

    /** {@code output}: the group's last value (the ReLU's, else the batch norm's). */
    public ConvBiasActivationNode(ConvNode conv, BatchNormNode bn, Activation activation, Value output, ConvBiasActivationPlan plan) {
        super(conv.path, output, conv.inputs[0]);
        if (bn != null && bn.batchStats()) throw new IllegalArgumentException(bn + ": only a batch norm using its running statistics folds into a convolution");
        this.conv = conv;
        this.bn = bn;
        this.activation = activation;
        this.plan = plan;
    }

    private int channels() {
        return conv.spec().outChannels();
    }

    @Override
    public String kind() {
        return "conv-bias-activation(" + (bn != null ? "batch norm folded, " : "") + activation.name().toLowerCase(java.util.Locale.ROOT) + ")";
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> params = new ArrayList<>(conv.parameters());
        if (bn != null) params.addAll(bn.parameters());
        return params;
    }

    @Override
    public long macs() {
        return conv.macs();
    }

    /** Besides x, the parameters and the output: with a batch norm, the weights read and written again folded. */
    @Override
    public long forwardBytes(NodeContext c) {
        return super.forwardBytes(c) + (bn != null ? 2 * bytes(conv.weight.value()) : 0);
    }

    @Override
    public String implementation() {
        return plan.implementation();
    }

    @Override
    public void prepare(PlanCache plans) {
        if (bn != null) fold = plans.batchNorm(new BatchNormSpec(Shape.of(1, channels(), 1, 1), bn.spec().eps(), bn.spec().momentum()));
    }

    @Override
    public long workspaceBytes() {
        return plan.workspaceBytes();
    }

    /** With a batch norm: the folded weight and bias, the scale, and a ones and a zeros vector, all alive only in the forward. */
    @Override
    public List<AuxBuffer> auxBuffers(boolean runsBackward) {
        if (bn == null) return List.of();
        Shape k = Shape.of(channels());
        return List.of(AuxBuffer.forward(conv.spec().weightShape()), AuxBuffer.forward(k), AuxBuffer.forward(k), AuxBuffer.forward(k), AuxBuffer.forward(k));
    }

    @Override
    public boolean canWriteStridedOutput() {
        return false; // a fused plan is built for densely packed operands
    }

    @Override
    public void forward(NodeContext c) {
        Tensor w = conv.weight.value(), b = conv.biasValue();
        if (bn != null) {
            int k = channels();
            Shape perChannel = Shape.of(1, k, 1, 1);
            Tensor scale = c.aux[SCALE], ones = c.aux[ONES], zeros = c.aux[ZEROS], foldedBias = c.aux[FOLDED_BIAS];
            Tensor gamma = bn.gamma().value(), mean = bn.runningMean().value(), var = bn.runningVar().value();
            c.backend.fill(ones, 1f);
            c.backend.fill(zeros, 0f);
            fold.forwardInference(ones.reshape(perChannel), gamma, zeros, scale.reshape(perChannel), zeros, var);
            fold.forwardInference((b != null ? b : zeros).reshape(perChannel), gamma, bn.beta().value(), foldedBias.reshape(perChannel), mean, var);
            Shape rows = Shape.of(1, k, Math.toIntExact(w.numel() / k), 1); // w as one row of input weights per output channel
            c.backend.scaleChannels(w.reshape(rows), scale.reshape(perChannel), c.aux[FOLDED_WEIGHT].reshape(rows));
            w = c.aux[FOLDED_WEIGHT];
            b = foldedBias;
        }
        plan.forward(c.in[0], w, b, c.out);
    }

    @Override
    public void backward(NodeContext c) {
        throw new IllegalStateException(this + " belongs to the evaluation graph and has no backward");
    }
}
