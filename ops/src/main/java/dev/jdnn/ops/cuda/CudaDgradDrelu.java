package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.DgradDreluPlan;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.graphapi.ElementType;
import dev.jdnn.ops.cuda.graphapi.GraphBuilder;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;
import dev.jdnn.ops.cuda.graphapi.OperationGraph;
import dev.jdnn.ops.cuda.graphapi.PointwiseMode;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * {@link DgradDreluSpec} as one cuDNN graph: conv-backward-data into a float32 virtual tensor, then the ReLU's backward
 * against the ReLU's input — read as given, or recomputed as reluInput * scale + bias in float32 virtual tensors.
 */
final class CudaDgradDrelu implements DgradDreluPlan {
    private static final long DY = 1, W = 2, RELU_INPUT = 3, SCALE = 4, BIAS = 5, DX = 6, DGRAD = 101, SCALED = 102, RECOMPUTED = 103;

    private final CudaContext ctx;
    private final DgradDreluSpec spec;
    private final CudaFusedGraph graph;

    private CudaDgradDrelu(CudaContext ctx, DgradDreluSpec spec, CudaFusedGraph graph) {
        this.ctx = ctx;
        this.spec = spec;
        this.graph = graph;
    }

    static Fusion<DgradDreluPlan> fuse(CudaContext ctx, DgradDreluSpec spec) {
        return CudaFusedGraph.fuse(ctx, spec, handle -> graph(spec, handle), operands(spec), Map.of(), g -> new CudaDgradDrelu(ctx, spec, g));
    }

    /** The uids {@link #backward} binds, in the order it passes their addresses. */
    static long[] operands(DgradDreluSpec spec) {
        return spec.reluInputFromScaleBias() ? new long[]{DY, W, RELU_INPUT, SCALE, BIAS, DX} : new long[]{DY, W, RELU_INPUT, DX};
    }

    static OperationGraph graph(DgradDreluSpec s, MemorySegment handle) {
        Conv2dSpec c = s.conv();
        GraphTensor dy = GraphTensor.of(DY, s.dtype(), c.outputShape(), s.format());
        GraphTensor w = GraphTensor.of(W, s.dtype(), c.weightShape(), s.format());
        GraphTensor r = GraphTensor.of(RELU_INPUT, s.dtype(), c.inputShape(), s.format());
        GraphTensor dx = GraphTensor.of(DX, s.dtype(), c.inputShape(), s.format());
        try (GraphBuilder g = new GraphBuilder()) {
            GraphTensor dgrad = dx.intermediate(DGRAD, ElementType.FLOAT);
            g.convBackwardData(c, dy, w, dgrad);
            GraphTensor reluInput = r;
            if (s.reluInputFromScaleBias()) {
                GraphTensor scaled = r.intermediate(SCALED, ElementType.FLOAT);
                reluInput = r.intermediate(RECOMPUTED, ElementType.FLOAT);
                g.pointwise(PointwiseMode.MUL, r, GraphTensor.perChannel(SCALE, c.inChannels()), scaled)
                        .pointwise(PointwiseMode.ADD, scaled, GraphTensor.perChannel(BIAS, c.inChannels()), reluInput);
            }
            g.reluBackward(dgrad, reluInput, dx);
            return g.build(handle);
        }
    }

    @Override public DgradDreluSpec spec() { return spec; }
    @Override public long workspaceBytes() { return graph.workspaceBytes(); }
    @Override public String implementation() { return graph.implementation(); }

    @Override
    public void backward(Tensor dy, Tensor w, Tensor reluInput, Tensor scale, Tensor bias, Tensor dx) {
        Conv2dSpec c = spec.conv();
        String p = spec.pattern();
        long ady = FusedOperands.activation(dy, p + " dy", c.outputShape(), spec.dtype(), spec.format(), ctx.device);
        long aw = FusedOperands.activation(w, p + " w", c.weightShape(), spec.dtype(), spec.format(), ctx.device);
        long ar = FusedOperands.activation(reluInput, p + " reluInput", c.inputShape(), spec.dtype(), spec.format(), ctx.device);
        long adx = FusedOperands.activation(dx, p + " dx", c.inputShape(), spec.dtype(), spec.format(), ctx.device);
        if (spec.reluInputFromScaleBias()) {
            long ascale = FusedOperands.vector(scale, p + " scale", c.inChannels(), ctx.device);
            long abias = FusedOperands.vector(bias, p + " bias", c.inChannels(), ctx.device);
            graph.run(new long[]{ady, aw, ar, ascale, abias, adx});
        } else {
            FusedOperands.absent(scale, p + " scale", "without reluInputFromScaleBias");
            FusedOperands.absent(bias, p + " bias", "without reluInputFromScaleBias");
            graph.run(new long[]{ady, aw, ar, adx});
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
