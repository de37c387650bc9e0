package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.OperandType;

/**
 * A densely packed copy of a value, for ops that need dense operands (Linear, the loss, flatten), in the value's own
 * format or converting an NHWC value into NCHW order (flatten before a classifier: PyTorch's weights expect the
 * features in NCHW order).
 */
public final class CopyNode extends Node {
    private final boolean toNchw;
    private final boolean takesTracePosition;

    private CopyNode(String path, Value output, int input, boolean toNchw, boolean takesTracePosition) {
        super(path, output, input);
        this.toNchw = toNchw;
        this.takesTracePosition = takesTracePosition;
    }

    /** A dense copy in x's own format and dtype. */
    public static Value trace(TraceContext t, Value x) {
        return t.add(new CopyNode(t.path(), t.newValue(x.shape()), x.id(), false, true)).output;
    }

    /**
     * A dense copy of a channels-last channel slice, which only a channels-last compile makes (so it takes no trace
     * position): see {@link dev.jdnn.networks.graph.trace.GraphTracer#narrowChannels}.
     */
    public static Value denseSlice(TraceContext t, Value slice) {
        return t.add(new CopyNode(t.path(), t.newValue(slice.shape()), slice.id(), false, false)).output;
    }

    /**
     * A dense NCHW copy of x (same dtype): the layout conversion before a flatten of channels-last features. It takes
     * a trace position only where an NCHW compile copies too (x not densely packed).
     */
    public static Value toNchw(TraceContext t, Value x) {
        CopyNode n = t.add(new CopyNode(t.path(), t.newValue(x.shape()), x.id(), true, !t.graph().isContiguous(x.id())));
        t.graph().setType(n.output, OperandType.of(MemoryFormat.NCHW, t.graph().type(x.id()).dtype()));
        return n.output;
    }

    @Override
    public boolean takesTracePosition() {
        return takesTracePosition;
    }

    @Override
    public String kind() {
        return toNchw ? "copy(nhwc->nchw)" : "copy";
    }

    @Override
    public void forward(NodeContext c) {
        c.backend.copy(c.in[0], c.out);
    }

    /** Accumulating takes one format on both sides, so a converting copy adds a second reader's gradient through scratch. */
    @Override
    public boolean accumulatesInputGrad(int i) {
        return !toNchw;
    }

    @Override
    public void backward(NodeContext c) {
        if (!c.wantsGrad(0)) return;
        if (!toNchw) {
            c.accumulate(c.dOut, 0);
            return;
        }
        c.backend.copy(c.dOut, c.gradTarget(0));
        c.finishGrad(0);
    }
}
