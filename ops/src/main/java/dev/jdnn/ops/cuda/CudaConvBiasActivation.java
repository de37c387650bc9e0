package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.ConvBiasActivationPlan;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.graphapi.ElementType;
import dev.jdnn.ops.cuda.graphapi.GraphBuilder;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;
import dev.jdnn.ops.cuda.graphapi.OperationGraph;
import dev.jdnn.ops.cuda.graphapi.PointwiseMode;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * {@link ConvBiasActivationSpec} as one cuDNN graph: conv-forward into a float32 virtual tensor, add the [1, K, 1, 1]
 * bias, ReLU, written once in the output's dtype. Without a bias or activation those nodes are left out.
 */
final class CudaConvBiasActivation implements ConvBiasActivationPlan {
    private static final long X = 1, W = 2, BIAS = 3, Y = 4, CONV_OUT = 101, BIASED = 102;

    private final CudaContext ctx;
    private final ConvBiasActivationSpec spec;
    private final CudaFusedGraph graph;

    private CudaConvBiasActivation(CudaContext ctx, ConvBiasActivationSpec spec, CudaFusedGraph graph) {
        this.ctx = ctx;
        this.spec = spec;
        this.graph = graph;
    }

    static Fusion<ConvBiasActivationPlan> fuse(CudaContext ctx, ConvBiasActivationSpec spec) {
        return CudaFusedGraph.fuse(ctx, spec, handle -> graph(spec, handle), operands(spec), Map.of(), g -> new CudaConvBiasActivation(ctx, spec, g));
    }

    /** The uids {@link #forward} binds, in the order it passes their addresses. */
    static long[] operands(ConvBiasActivationSpec spec) {
        return spec.conv().bias() ? new long[]{X, W, BIAS, Y} : new long[]{X, W, Y};
    }

    /** The operation graph; needs no device where cuDNN finalises graphs without one. */
    static OperationGraph graph(ConvBiasActivationSpec s, MemorySegment handle) {
        Conv2dSpec c = s.conv();
        boolean bias = c.bias(), relu = s.activation() == Activation.RELU;
        GraphTensor x = GraphTensor.of(X, s.dtype(), c.inputShape(), s.format());
        GraphTensor w = GraphTensor.of(W, s.dtype(), c.weightShape(), s.format());
        GraphTensor y = GraphTensor.of(Y, s.dtype(), c.outputShape(), s.format());
        try (GraphBuilder g = new GraphBuilder()) {
            GraphTensor convOut = bias || relu ? y.intermediate(CONV_OUT, ElementType.FLOAT) : y;
            g.convForward(c, x, w, convOut);
            GraphTensor last = convOut;
            if (bias) {
                GraphTensor biased = relu ? y.intermediate(BIASED, ElementType.FLOAT) : y;
                g.pointwise(PointwiseMode.ADD, convOut, GraphTensor.perChannel(BIAS, c.outChannels()), biased);
                last = biased;
            }
            if (relu) g.pointwise(PointwiseMode.RELU_FWD, last, null, y);
            return g.build(handle);
        }
    }

    @Override public ConvBiasActivationSpec spec() { return spec; }
    @Override public long workspaceBytes() { return graph.workspaceBytes(); }
    @Override public String implementation() { return graph.implementation(); }

    @Override
    public void forward(Tensor x, Tensor w, Tensor bias, Tensor y) {
        Conv2dSpec c = spec.conv();
        String p = spec.pattern();
        long ax = FusedOperands.activation(x, p + " x", c.inputShape(), spec.dtype(), spec.format(), ctx.device);
        long aw = FusedOperands.activation(w, p + " w", c.weightShape(), spec.dtype(), spec.format(), ctx.device);
        long ay = FusedOperands.activation(y, p + " y", c.outputShape(), spec.dtype(), spec.format(), ctx.device);
        if (c.bias()) {
            graph.run(new long[]{ax, aw, FusedOperands.vector(bias, p + " bias", c.outChannels(), ctx.device), ay});
        } else {
            FusedOperands.absent(bias, p + " bias", "for a convolution without bias");
            graph.run(new long[]{ax, aw, ay});
        }
    }

    @Override
    public void close() {
        graph.close();
    }
}
