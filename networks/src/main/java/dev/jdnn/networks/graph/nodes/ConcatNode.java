package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Value;

import java.util.List;

/**
 * Concatenation along channels. Parts written in place (their producers wrote straight into a channel slice of
 * the output, see {@code graph.trace.InPlaceConcat}) cost nothing, forward or backward: their gradients are views of the
 * output gradient. Other parts are copied in, and their gradients copied (accumulated) out.
 */
public final class ConcatNode extends Node {
    private final int[] offsets;
    private final boolean[] inPlace;

    private ConcatNode(String path, Value output, int[] parts, int[] offsets) {
        super(path, output, parts);
        this.offsets = offsets;
        this.inPlace = new boolean[parts.length];
    }

    public static Value trace(TraceContext t, List<Value> parts) {
        Shape first = parts.get(0).shape();
        if (first.rank() < 2) throw t.error("concat needs rank >= 2 values, got " + first);
        int[] ids = new int[parts.size()];
        int[] offsets = new int[parts.size()];
        int channels = 0;
        for (int i = 0; i < ids.length; i++) {
            Shape s = parts.get(i).shape();
            if (s.rank() != first.rank() || !s.with(1, 0).equals(first.with(1, 0))) {
                throw t.error("concat along channels needs equal shapes except in dimension 1, but part 0 is " + first + " and part " + i + " is " + s);
            }
            ids[i] = parts.get(i).id();
            offsets[i] = channels;
            channels += s.dim(1);
        }
        return t.add(new ConcatNode(t.path(), t.newValue(first.with(1, channels)), ids, offsets)).output;
    }

    public int offset(int part) {
        return offsets[part];
    }

    public void markInPlace(int part) {
        inPlace[part] = true;
    }

    public boolean isInPlace(int part) {
        return inPlace[part];
    }

    @Override
    public String kind() {
        return "concat";
    }

    private Tensor slice(Tensor whole, NodeContext c, int i) {
        return whole.narrow(1, offsets[i], c.in[i].dim(1));
    }

    /** Parts written in place move nothing; the others are read and written into their slice. */
    @Override
    public long forwardBytes(NodeContext c) {
        long bytes = 0;
        for (int i = 0; i < inputs.length; i++) if (!inPlace[i]) bytes += 2 * bytes(c.in[i]);
        return bytes;
    }

    /** The copied parts' gradients: their slice of the output gradient read, the gradient written (accumulated: read too). */
    @Override
    public long backwardBytes(NodeContext c) {
        long bytes = 0;
        for (int i = 0; i < inputs.length; i++) {
            if (!inPlace[i] && c.wantsGrad(i)) bytes += bytes(c.dIn[i]) * (c.dInBeta[i] != 0f ? 3 : 2);
        }
        return bytes;
    }

    @Override
    public void forward(NodeContext c) {
        for (int i = 0; i < inputs.length; i++) if (!inPlace[i]) c.backend.copy(c.in[i], slice(c.out, c, i));
    }

    @Override
    public void backward(NodeContext c) {
        for (int i = 0; i < inputs.length; i++) if (!inPlace[i] && c.wantsGrad(i)) c.accumulate(slice(c.dOut, c, i), i);
    }
}
