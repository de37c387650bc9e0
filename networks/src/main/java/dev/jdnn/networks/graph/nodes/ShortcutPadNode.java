package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Value;

/**
 * He et al.'s option-A shortcut: y = 0; y[:, pad:pad+C] = x[:, :, ::stride, ::stride]. The backward is the inverse
 * strided copy: dx[:, :, ::stride, ::stride] = dy[:, pad:pad+C], zero elsewhere.
 */
public final class ShortcutPadNode extends Node {
    private final int stride, pad;

    private ShortcutPadNode(String path, Value output, int input, int stride, int pad) {
        super(path, output, input);
        this.stride = stride;
        this.pad = pad;
    }

    public static Value trace(TraceContext t, Value x, int stride, int outChannels) {
        var s = x.shape();
        if (s.rank() != 4 || stride < 1 || outChannels < s.dim(1) || (outChannels - s.dim(1)) % 2 != 0) {
            throw t.error("shortcutPadChannels(stride=" + stride + ", outChannels=" + outChannels
                    + ") needs an NCHW input with at most outChannels channels and an even difference, got " + s);
        }
        var out = t.newValue(s.with(1, outChannels).with(2, (s.dim(2) + stride - 1) / stride).with(3, (s.dim(3) + stride - 1) / stride));
        return t.add(new ShortcutPadNode(t.path(), out, x.id(), stride, (outChannels - s.dim(1)) / 2)).output;
    }

    @Override
    public String kind() {
        return "shortcutPad";
    }

    @Override
    public boolean accumulatesInputGrad(int i) {
        return stride == 1; // with stride 1 the slice is batch-strided and can be added in directly
    }

    private Tensor subsampled(Tensor x) {
        return stride == 1 ? x : x.step(2, stride).step(3, stride);
    }

    private Tensor middle(Tensor y, int channels) {
        return y.narrow(1, pad, channels);
    }

    @Override
    public void forward(NodeContext c) {
        c.backend.fill(c.out, 0f);
        c.backend.copy(subsampled(c.in[0]), middle(c.out, c.in[0].dim(1)));
    }

    @Override
    public void backward(NodeContext c) {
        if (!c.wantsGrad(0)) return;
        Tensor dySlice = middle(c.dOut, c.in[0].dim(1));
        if (stride == 1) {
            c.accumulate(dySlice, 0);
            return;
        }
        Tensor target = c.gradTarget(0);
        c.backend.fill(target, 0f);
        c.backend.copy(dySlice, subsampled(target));
        c.finishGrad(0);
    }
}
