package dev.jdnn.networks.graph.nodes;

import dev.jdnn.networks.Value;

/** ShuffleNet's channel shuffle; its backward is the inverse shuffle (C/groups groups). */
public final class ChannelShuffleNode extends Node {
    private final int groups;

    private ChannelShuffleNode(String path, Value output, int input, int groups) {
        super(path, output, input);
        this.groups = groups;
    }

    public static Value trace(TraceContext t, Value x, int groups) {
        if (x.shape().rank() != 4 || groups <= 0 || x.shape().dim(1) % groups != 0) {
            throw t.error("channelShuffle(groups=" + groups + ") needs an NCHW input whose channels the groups divide, got " + x.shape());
        }
        return t.add(new ChannelShuffleNode(t.path(), t.newValue(x.shape()), x.id(), groups)).output;
    }

    @Override
    public String kind() {
        return "channelShuffle";
    }

    @Override
    public boolean accumulatesInputGrad(int i) {
        return false;
    }

    @Override
    public void forward(NodeContext c) {
        c.backend.channelShuffle(c.in[0], groups, c.out);
    }

    @Override
    public void backward(NodeContext c) {
        if (!c.wantsGrad(0)) return;
        c.backend.channelShuffle(c.dOut, output.shape().dim(1) / groups, c.gradTarget(0));
        c.finishGrad(0);
    }
}
