package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;

import java.util.List;

/**
 * A single-input node with a weight and an optional bias (Conv2d, Linear). Owns the parameter list and the order of
 * the backward steps: data gradient only when needed upstream, weight/bias gradients only when trainable. The
 * subclass says how to call its own plan type for each step.
 */
public abstract class WeightedNode extends Node {
    public final Parameter weight;
    public final Parameter bias; // null when the layer has no bias

    public WeightedNode(String path, Value output, int input, Parameter weight, Parameter bias) {
        super(path, output, input);
        this.weight = weight;
        this.bias = bias;
    }

    /** The bias tensor for the plan's forward, or null when the layer has none. */
    public final Tensor biasValue() {
        return bias == null ? null : bias.value();
    }

    /** dx = dy-correlated-with-w on the plan, written with the context's beta into dIn[0]. */
    public abstract void backwardData(NodeContext c);

    /** dW from x and dy on the plan, written with paramBeta[0] into paramGrad[0]. */
    public abstract void backwardWeight(NodeContext c);

    /** db from dy on the plan, written with paramBeta[1] into paramGrad[1]. */
    public abstract void backwardBias(NodeContext c);

    @Override
    public final List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    @Override
    public boolean readsInputInBackward(int i) {
        return weight.trainable(); // the weight gradient correlates x with dy
    }

    /** One forward's multiply-adds per gradient the backward computes: data when wanted upstream, weight when trainable. */
    @Override
    public final long backwardMacs(NodeContext c) {
        return macs() * ((c.wantsGrad(0) ? 1 : 0) + (c.paramGrad[0] != null ? 1 : 0));
    }

    @Override
    public final void backward(NodeContext c) {
        if (c.wantsGrad(0)) backwardData(c);
        if (c.paramGrad[0] != null) backwardWeight(c);
        if (bias != null && c.paramGrad[1] != null) backwardBias(c);
    }
}
