package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.MemoryScope;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.BnFinalizePlan;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.graphapi.ElementType;
import dev.jdnn.ops.cuda.graphapi.GraphBuilder;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;
import dev.jdnn.ops.cuda.graphapi.OperationGraph;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Map;

/**
 * {@link BnFinalizeSpec} as one cuDNN graph: the BN-finalize-statistics operation in training mode. Its three scalars
 * are fixed per plan and passed by value from plan-owned host memory: epsilon and the momentum (cuDNN's exponential
 * average factor) as doubles, the element count as an int64. The headers do not give these types; cuDNN 9.24's
 * finaliser does (GraphApiTest): the count must be CUDNN_DATA_INT64, epsilon and the factor FLOAT, DOUBLE or HALF, and
 * all three by value — in device memory each is refused. cuDNN reads the previous running statistics
 * and writes the updated ones as separate tensors, so each call first copies the running statistics into plan-owned
 * buffers and then updates them in place, as {@link BnFinalizePlan} says.
 */
final class CudaBnFinalize implements BnFinalizePlan {
    private static final long SUM = 1, SQ_SUM = 2, GAMMA = 3, BETA = 4, RUNNING_MEAN = 5, RUNNING_VAR = 6, SAVE_MEAN = 7, SAVE_INV_STD = 8,
            EQ_SCALE = 9, EQ_BIAS = 10, PREV_MEAN = 11, PREV_VAR = 12, COUNT = 13, EPSILON = 14, MOMENTUM = 15;
    static final java.util.Set<Long> OWNED = java.util.Set.of(PREV_MEAN, PREV_VAR, COUNT, EPSILON, MOMENTUM);
    /** The uids {@link #finalizeStatistics} binds, in the order it passes their addresses; the others are the plan's own ({@link #OWNED}). */
    static final long[] OPERANDS = {SUM, SQ_SUM, GAMMA, BETA, RUNNING_MEAN, RUNNING_VAR, SAVE_MEAN, SAVE_INV_STD, EQ_SCALE, EQ_BIAS};

    private final CudaContext ctx;
    private final BnFinalizeSpec spec;
    private final CudaFusedGraph graph;
    private final Owned owned;

    private CudaBnFinalize(CudaContext ctx, BnFinalizeSpec spec, CudaFusedGraph graph, Owned owned) {
        this.ctx = ctx;
        this.spec = spec;
        this.graph = graph;
        this.owned = owned;
    }

    /** The plan's own memory: device copies of the previous running statistics, and the host scalars. */
    private static final class Owned implements AutoCloseable {
        private final MemoryScope device = new MemoryScope();
        private final Arena host = Arena.ofShared();
        final Tensor prevMean, prevVar;
        final MemorySegment count, epsilon, momentum;

        Owned(CudaContext ctx, BnFinalizeSpec spec) {
            count = host.allocateFrom(ValueLayout.JAVA_LONG, spec.count());
            epsilon = host.allocateFrom(ValueLayout.JAVA_DOUBLE, spec.eps());
            momentum = host.allocateFrom(ValueLayout.JAVA_DOUBLE, spec.momentum());
            try {
                prevMean = device.track(ctx.scratch(4L * spec.channels()));
                prevVar = device.track(ctx.scratch(4L * spec.channels()));
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        Map<Long, Long> fixed() {
            return Map.of(PREV_MEAN, prevMean.address(), PREV_VAR, prevVar.address(), COUNT, count.address(),
                    EPSILON, epsilon.address(), MOMENTUM, momentum.address());
        }

        @Override
        public void close() { // idempotent, as the plan's close
            device.close();
            if (host.scope().isAlive()) host.close();
        }
    }

    static Fusion<BnFinalizePlan> fuse(CudaContext ctx, BnFinalizeSpec spec) {
        Owned owned = new Owned(ctx, spec);
        try {
            Fusion<BnFinalizePlan> f = CudaFusedGraph.fuse(ctx, spec, handle -> graph(spec, handle), OPERANDS, owned.fixed(),
                    g -> new CudaBnFinalize(ctx, spec, g, owned));
            if (!f.isFused()) owned.close();
            return f;
        } catch (RuntimeException | Error e) {
            owned.close();
            throw e;
        }
    }

    static OperationGraph graph(BnFinalizeSpec s, MemorySegment handle) {
        int c = s.channels();
        try (GraphBuilder g = new GraphBuilder()) {
            g.bnFinalize(new GraphBuilder.BnFinalizeTensors(
                    GraphTensor.perChannel(SUM, c), GraphTensor.perChannel(SQ_SUM, c), GraphTensor.perChannel(GAMMA, c), GraphTensor.perChannel(BETA, c),
                    GraphTensor.perChannel(PREV_MEAN, c), GraphTensor.perChannel(PREV_VAR, c), GraphTensor.perChannel(RUNNING_MEAN, c), GraphTensor.perChannel(RUNNING_VAR, c),
                    GraphTensor.perChannel(SAVE_MEAN, c), GraphTensor.perChannel(SAVE_INV_STD, c), GraphTensor.perChannel(EQ_SCALE, c), GraphTensor.perChannel(EQ_BIAS, c),
                    GraphTensor.scalar(COUNT, ElementType.INT64), GraphTensor.scalar(EPSILON, ElementType.DOUBLE), GraphTensor.scalar(MOMENTUM, ElementType.DOUBLE)));
            return g.build(handle);
        }
    }

    @Override public BnFinalizeSpec spec() { return spec; }
    @Override public long workspaceBytes() { return graph.workspaceBytes(); }
    @Override public String implementation() { return graph.implementation(); }

    @Override
    public void finalizeStatistics(Tensor sum, Tensor sqSum, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   Tensor saveMean, Tensor saveInvStd, Tensor eqScale, Tensor eqBias) {
        ctx.ensureContext(); // before the copies: they are the first CUDA calls of this op
        int c = spec.channels();
        String p = spec.pattern();
        Tensor[] operands = {sum, sqSum, gamma, beta, runningMean, runningVar, saveMean, saveInvStd, eqScale, eqBias};
        String[] names = {"sum", "sqSum", "gamma", "beta", "runningMean", "runningVar", "saveMean", "saveInvStd", "eqScale", "eqBias"};
        long[] addresses = new long[operands.length];
        for (int i = 0; i < operands.length; i++) addresses[i] = FusedOperands.vector(operands[i], p + " " + names[i], c, ctx.device);
        copy(runningMean, owned.prevMean, "runningMean");
        copy(runningVar, owned.prevVar, "runningVar");
        graph.run(addresses);
    }

    private void copy(Tensor src, Tensor dst, String what) {
        ctx.cudart("cudaMemcpyAsync D2D (" + spec.pattern() + " previous " + what + ")", cudart_h.cudaMemcpyAsync(
                Cudnn.ptr(dst), Cudnn.ptr(src), 4L * spec.channels(), cudart_h.cudaMemcpyDeviceToDevice(), ctx.stream));
    }

    @Override
    public void close() {
        graph.close();
        owned.close();
    }
}
