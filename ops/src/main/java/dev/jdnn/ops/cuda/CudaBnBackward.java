package dev.jdnn.ops.cuda;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.BnBackwardPlan;
import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.graphapi.GraphBuilder;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;
import dev.jdnn.ops.cuda.graphapi.OperationGraph;

import java.lang.foreign.MemorySegment;
import java.util.Map;

/**
 * {@link BnBackwardSpec} as one cuDNN graph: the norm-backward operation in batch-norm mode, from the saved mean and
 * inverse standard deviation (cuDNN's "inverse variance" tensors hold 1/sqrt(var + eps), as cudnnBatchNormalization* do).
 */
final class CudaBnBackward implements BnBackwardPlan {
    private static final long X = 1, DY = 2, GAMMA = 3, MEAN = 4, INV_STD = 5, DX = 6, DGAMMA = 7, DBETA = 8;
    /** The uids {@link #backward} binds, in the order it passes their addresses. */
    static final long[] OPERANDS = {X, DY, GAMMA, MEAN, INV_STD, DX, DGAMMA, DBETA};

    private final CudaContext ctx;
    private final BnBackwardSpec spec;
    private final CudaFusedGraph graph;

    private CudaBnBackward(CudaContext ctx, BnBackwardSpec spec, CudaFusedGraph graph) {
        this.ctx = ctx;
        this.spec = spec;
        this.graph = graph;
    }

    static Fusion<BnBackwardPlan> fuse(CudaContext ctx, BnBackwardSpec spec) {
        return CudaFusedGraph.fuse(ctx, spec, handle -> graph(spec, handle), OPERANDS, Map.of(), g -> new CudaBnBackward(ctx, spec, g));
    }

    static OperationGraph graph(BnBackwardSpec s, MemorySegment handle) {
        Shape shape = s.bn().shape();
        int c = s.bn().channels();
        try (GraphBuilder g = new GraphBuilder()) {
            g.batchNormBackward(GraphTensor.of(X, s.dtype(), shape, s.format()), GraphTensor.of(DY, s.dtype(), shape, s.format()),
                    GraphTensor.perChannel(GAMMA, c), GraphTensor.perChannel(MEAN, c), GraphTensor.perChannel(INV_STD, c),
                    GraphTensor.of(DX, s.dtype(), shape, s.format()), GraphTensor.perChannel(DGAMMA, c), GraphTensor.perChannel(DBETA, c));
            return g.build(handle);
        }
    }

    @Override public BnBackwardSpec spec() { return spec; }
    @Override public long workspaceBytes() { return graph.workspaceBytes(); }
    @Override public String implementation() { return graph.implementation(); }

    @Override
    public void backward(Tensor x, Tensor dy, Tensor gamma, Tensor saveMean, Tensor saveInvStd, Tensor dx, Tensor dgamma, Tensor dbeta) {
        Shape shape = spec.bn().shape();
        int c = spec.bn().channels();
        String p = spec.pattern();
        graph.run(new long[]{
                FusedOperands.activation(x, p + " x", shape, spec.dtype(), spec.format(), ctx.device),
                FusedOperands.activation(dy, p + " dy", shape, spec.dtype(), spec.format(), ctx.device),
                FusedOperands.vector(gamma, p + " gamma", c, ctx.device),
                FusedOperands.vector(saveMean, p + " saveMean", c, ctx.device),
                FusedOperands.vector(saveInvStd, p + " saveInvStd", c, ctx.device),
                FusedOperands.activation(dx, p + " dx", shape, spec.dtype(), spec.format(), ctx.device),
                FusedOperands.vector(dgamma, p + " dgamma", c, ctx.device),
                FusedOperands.vector(dbeta, p + " dbeta", c, ctx.device)});
    }

    @Override
    public void close() {
        graph.close();
    }
}
