package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.ConvStatsPlan;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.graphapi.ElementType;
import dev.jdnn.ops.cuda.graphapi.GraphBuilder;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;
import dev.jdnn.ops.cuda.graphapi.OperationGraph;
import dev.jdnn.ops.cuda.graphapi.PointwiseMode;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * {@link ConvStatsSpec} as one cuDNN graph (the pattern of cuDNN's ConvBNfprop): optionally x * scale + bias and ReLU
 * on the input (float32 virtual tensors; the ReLU's output, which the convolution reads, in the operands' dtype),
 * conv-forward into y, and gen-stats of y into the per-channel sum and sum of squares.
 */
final class CudaConvStats implements ConvStatsPlan {
    private static final long X = 1, SCALE = 2, BIAS = 3, W = 4, Y = 5, SUM = 6, SQ_SUM = 7, SCALED = 101, SHIFTED = 102, ACTIVATED = 103;

    private final CudaContext ctx;
    private final ConvStatsSpec spec;
    private final CudaFusedGraph graph;

    private CudaConvStats(CudaContext ctx, ConvStatsSpec spec, CudaFusedGraph graph) {
        this.ctx = ctx;
        this.spec = spec;
        this.graph = graph;
    }

    static Fusion<ConvStatsPlan> fuse(CudaContext ctx, ConvStatsSpec spec) {
        return CudaFusedGraph.fuse(ctx, spec, handle -> graph(spec, handle), operands(spec), Map.of(), g -> new CudaConvStats(ctx, spec, g));
    }

    /** The uids {@link #forward} binds, in the order it passes their addresses. */
    static long[] operands(ConvStatsSpec spec) {
        return spec.scaleBiasReluInput() ? new long[]{X, SCALE, BIAS, W, Y, SUM, SQ_SUM} : new long[]{X, W, Y, SUM, SQ_SUM};
    }

    static OperationGraph graph(ConvStatsSpec s, MemorySegment handle) {
        Conv2dSpec c = s.conv();
        GraphTensor x = GraphTensor.of(X, s.dtype(), c.inputShape(), s.format());
        GraphTensor w = GraphTensor.of(W, s.dtype(), c.weightShape(), s.format());
        GraphTensor y = GraphTensor.of(Y, s.dtype(), c.outputShape(), s.format());
        try (GraphBuilder g = new GraphBuilder()) {
            GraphTensor input = x;
            if (s.scaleBiasReluInput()) {
                GraphTensor scaled = x.intermediate(SCALED, ElementType.FLOAT), shifted = x.intermediate(SHIFTED, ElementType.FLOAT);
                input = x.intermediate(ACTIVATED, ElementType.of(s.dtype()));
                g.pointwise(PointwiseMode.MUL, x, GraphTensor.perChannel(SCALE, c.inChannels()), scaled)
                        .pointwise(PointwiseMode.ADD, scaled, GraphTensor.perChannel(BIAS, c.inChannels()), shifted)
                        .pointwise(PointwiseMode.RELU_FWD, shifted, null, input);
            }
            g.convForward(c, input, w, y)
                    .genStats(y, GraphTensor.perChannel(SUM, c.outChannels()), GraphTensor.perChannel(SQ_SUM, c.outChannels()));
            return g.build(handle);
        }
    }

    @Override public ConvStatsSpec spec() { return spec; }
    @Override public long workspaceBytes() { return graph.workspaceBytes(); }
    @Override public String implementation() { return graph.implementation(); }

    @Override
    public void forward(Tensor x, Tensor scale, Tensor bias, Tensor w, Tensor y, Tensor sum, Tensor sqSum) {
        Conv2dSpec c = spec.conv();
        String p = spec.pattern();
        long ax = FusedOperands.activation(x, p + " x", c.inputShape(), spec.dtype(), spec.format(), ctx.device);
        long aw = FusedOperands.activation(w, p + " w", c.weightShape(), spec.dtype(), spec.format(), ctx.device);
        long ay = FusedOperands.activation(y, p + " y", c.outputShape(), spec.dtype(), spec.format(), ctx.device);
        long as = FusedOperands.vector(sum, p + " sum", c.outChannels(), ctx.device);
        long aq = FusedOperands.vector(sqSum, p + " sqSum", c.outChannels(), ctx.device);
        if (spec.scaleBiasReluInput()) {
            long ascale = FusedOperands.vector(scale, p + " scale", c.inChannels(), ctx.device);
            long abias = FusedOperands.vector(bias, p + " bias", c.inChannels(), ctx.device);
            graph.run(new long[]{ax, ascale, abias, aw, ay, as, aq});
        } else {
            FusedOperands.absent(scale, p + " scale", "without scaleBiasReluInput");
            FusedOperands.absent(bias, p + " bias", "without scaleBiasReluInput");
            graph.run(new long[]{ax, aw, ay, as, aq});
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
