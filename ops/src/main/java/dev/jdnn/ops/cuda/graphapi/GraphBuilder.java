package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.ops.Conv2dSpec;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Builds one operation graph node by node: each call adds a finalised operation descriptor connecting
 * {@link GraphTensor}s (a tensor's descriptor is built once, when first used; using a uid again for a different tensor
 * is an error), and {@link #build} finalises the graph. Computation inside every operation is float32; the tensors'
 * element types are the operands'. Until built, the builder owns the descriptors; {@link #close()} releases them if
 * building never happened or failed.
 */
public final class GraphBuilder implements AutoCloseable {
    private final DescriptorScope scope = new DescriptorScope();
    private final Map<Long, GraphTensor> tensors = new LinkedHashMap<>();
    private final Map<Long, BackendDescriptor> built = new HashMap<>();
    private final List<BackendDescriptor> operations = new ArrayList<>();
    private final StringJoiner summary = new StringJoiner(" -> ");
    private boolean handedOver;

    private BackendDescriptor tensor(GraphTensor t) {
        GraphTensor known = tensors.putIfAbsent(t.uid(), t);
        if (known != null && !known.sameAs(t)) throw new IllegalArgumentException("uid " + t.uid() + " names two tensors: " + known + " and " + t);
        return built.computeIfAbsent(t.uid(), uid -> t.build(scope));
    }

    private BackendDescriptor convolution(Conv2dSpec s) {
        return scope.create(DescriptorType.CONVOLUTION)
                .setEnum(Attribute.CONVOLUTION_COMP_TYPE, ElementType.FLOAT.value)
                .setEnum(Attribute.CONVOLUTION_CONV_MODE, cudnn_h.CUDNN_CROSS_CORRELATION())
                .setLongs(Attribute.CONVOLUTION_SPATIAL_DIMS, 2)
                .setLongs(Attribute.CONVOLUTION_DILATIONS, s.dilationH(), s.dilationW())
                .setLongs(Attribute.CONVOLUTION_FILTER_STRIDES, s.strideH(), s.strideW())
                .setLongs(Attribute.CONVOLUTION_PRE_PADDINGS, s.padH(), s.padW())
                .setLongs(Attribute.CONVOLUTION_POST_PADDINGS, s.padH(), s.padW())
                .finish();
    }

    private GraphBuilder add(BackendDescriptor operation, String name) {
        operations.add(operation.finish());
        summary.add(name);
        return this;
    }

    /** y = conv(x, w), a cross-correlation with the spec's strides, padding, dilation (groups follow from the channel counts). */
    public GraphBuilder convForward(Conv2dSpec spec, GraphTensor x, GraphTensor w, GraphTensor y) {
        return add(scope.create(DescriptorType.OPERATION_CONVOLUTION_FORWARD)
                .setFloat(Attribute.OPERATION_CONVOLUTION_FORWARD_ALPHA, 1f)
                .setFloat(Attribute.OPERATION_CONVOLUTION_FORWARD_BETA, 0f)
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_FORWARD_CONV_DESC, convolution(spec))
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_FORWARD_X, tensor(x))
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_FORWARD_W, tensor(w))
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_FORWARD_Y, tensor(y)), "conv-forward");
    }

    /** dx = conv_transpose(dy, w): the convolution's backward-data. */
    public GraphBuilder convBackwardData(Conv2dSpec spec, GraphTensor dy, GraphTensor w, GraphTensor dx) {
        return add(scope.create(DescriptorType.OPERATION_CONVOLUTION_BACKWARD_DATA)
                .setFloat(Attribute.OPERATION_CONVOLUTION_BWD_DATA_ALPHA, 1f)
                .setFloat(Attribute.OPERATION_CONVOLUTION_BWD_DATA_BETA, 0f)
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_BWD_DATA_CONV_DESC, convolution(spec))
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_BWD_DATA_DY, tensor(dy))
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_BWD_DATA_W, tensor(w))
                .setDescriptors(Attribute.OPERATION_CONVOLUTION_BWD_DATA_DX, tensor(dx)), "conv-backward-data");
    }

    private BackendDescriptor pointwiseDescriptor(PointwiseMode mode) {
        return scope.create(DescriptorType.POINTWISE)
                .setEnum(Attribute.POINTWISE_MODE, mode.value)
                .setEnum(Attribute.POINTWISE_MATH_PREC, ElementType.FLOAT.value)
                .finish();
    }

    /** y = mode(x) or, for ADD and MUL, y = mode(x, b), b broadcast where its dimensions are 1. */
    public GraphBuilder pointwise(PointwiseMode mode, GraphTensor x, GraphTensor b, GraphTensor y) {
        if (mode == PointwiseMode.RELU_BWD) throw new IllegalArgumentException("RELU_BWD takes dy and x: use reluBackward");
        if (mode.binary() != (b != null)) throw new IllegalArgumentException(mode + (mode.binary() ? " needs" : " takes no") + " second operand");
        BackendDescriptor op = scope.create(DescriptorType.OPERATION_POINTWISE)
                .setDescriptors(Attribute.OPERATION_POINTWISE_PW_DESCRIPTOR, pointwiseDescriptor(mode))
                .setDescriptors(Attribute.OPERATION_POINTWISE_XDESC, tensor(x));
        if (b != null) op.setDescriptors(Attribute.OPERATION_POINTWISE_BDESC, tensor(b));
        op.setDescriptors(Attribute.OPERATION_POINTWISE_YDESC, tensor(y));
        return add(op, mode.name().toLowerCase(Locale.ROOT));
    }

    /** dx = dy where x > 0, else 0 (the ReLU's derivative at its input x). */
    public GraphBuilder reluBackward(GraphTensor dy, GraphTensor x, GraphTensor dx) {
        return add(scope.create(DescriptorType.OPERATION_POINTWISE)
                .setDescriptors(Attribute.OPERATION_POINTWISE_PW_DESCRIPTOR, pointwiseDescriptor(PointwiseMode.RELU_BWD))
                .setDescriptors(Attribute.OPERATION_POINTWISE_DYDESC, tensor(dy))
                .setDescriptors(Attribute.OPERATION_POINTWISE_XDESC, tensor(x))
                .setDescriptors(Attribute.OPERATION_POINTWISE_DXDESC, tensor(dx)), "relu-backward");
    }

    /** sum[c] = Σ x and sqSum[c] = Σ x² over every dimension but C (sum, sqSum: [1, C, 1, 1] float). */
    public GraphBuilder genStats(GraphTensor x, GraphTensor sum, GraphTensor sqSum) {
        return add(scope.create(DescriptorType.OPERATION_GEN_STATS)
                .setEnum(Attribute.OPERATION_GENSTATS_MODE, cudnn_h.CUDNN_GENSTATS_SUM_SQSUM())
                .setEnum(Attribute.OPERATION_GENSTATS_MATH_PREC, ElementType.FLOAT.value)
                .setDescriptors(Attribute.OPERATION_GENSTATS_XDESC, tensor(x))
                .setDescriptors(Attribute.OPERATION_GENSTATS_SUMDESC, tensor(sum))
                .setDescriptors(Attribute.OPERATION_GENSTATS_SQSUMDESC, tensor(sqSum)), "gen-stats");
    }

    /** The tensors of a batch-norm finalisation: per-channel vectors, and three by-value scalars. */
    public record BnFinalizeTensors(GraphTensor sum, GraphTensor sqSum, GraphTensor scale, GraphTensor bias,
                                    GraphTensor prevRunningMean, GraphTensor prevRunningVar, GraphTensor runningMean, GraphTensor runningVar,
                                    GraphTensor savedMean, GraphTensor savedInvStd, GraphTensor eqScale, GraphTensor eqBias,
                                    GraphTensor accumCount, GraphTensor epsilon, GraphTensor expAverageFactor) {
    }

    /** Training-mode batch-norm finalisation from sums (see dev.jdnn.ops.BnFinalizeSpec for the formulas). */
    public GraphBuilder bnFinalize(BnFinalizeTensors t) {
        return add(scope.create(DescriptorType.OPERATION_BN_FINALIZE_STATISTICS)
                .setEnum(Attribute.OPERATION_BN_FINALIZE_STATS_MODE, cudnn_h.CUDNN_BN_FINALIZE_STATISTICS_TRAINING())
                .setEnum(Attribute.OPERATION_BN_FINALIZE_MATH_PREC, ElementType.FLOAT.value)
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_Y_SUM_DESC, tensor(t.sum()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_Y_SQ_SUM_DESC, tensor(t.sqSum()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_SCALE_DESC, tensor(t.scale()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_BIAS_DESC, tensor(t.bias()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_PREV_RUNNING_MEAN_DESC, tensor(t.prevRunningMean()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_PREV_RUNNING_VAR_DESC, tensor(t.prevRunningVar()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_UPDATED_RUNNING_MEAN_DESC, tensor(t.runningMean()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_UPDATED_RUNNING_VAR_DESC, tensor(t.runningVar()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_SAVED_MEAN_DESC, tensor(t.savedMean()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_SAVED_INV_STD_DESC, tensor(t.savedInvStd()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_EQ_SCALE_DESC, tensor(t.eqScale()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_EQ_BIAS_DESC, tensor(t.eqBias()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_ACCUM_COUNT_DESC, tensor(t.accumCount()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_EPSILON_DESC, tensor(t.epsilon()))
                .setDescriptors(Attribute.OPERATION_BN_FINALIZE_EXP_AVERAGE_FACTOR_DESC, tensor(t.expAverageFactor())), "bn-finalize");
    }

    /** Batch-norm backward from the saved mean and inverse standard deviation: dx, dscale, dbias. */
    public GraphBuilder batchNormBackward(GraphTensor x, GraphTensor dy, GraphTensor scale, GraphTensor savedMean, GraphTensor savedInvStd,
                                          GraphTensor dx, GraphTensor dscale, GraphTensor dbias) {
        return add(scope.create(DescriptorType.OPERATION_NORM_BACKWARD)
                .setEnum(Attribute.OPERATION_NORM_BWD_MODE, cudnn_h.CUDNN_BATCH_NORM())
                .setDescriptors(Attribute.OPERATION_NORM_BWD_XDESC, tensor(x))
                .setDescriptors(Attribute.OPERATION_NORM_BWD_DYDESC, tensor(dy))
                .setDescriptors(Attribute.OPERATION_NORM_BWD_SCALE_DESC, tensor(scale))
                .setDescriptors(Attribute.OPERATION_NORM_BWD_MEAN_DESC, tensor(savedMean))
                .setDescriptors(Attribute.OPERATION_NORM_BWD_INV_VARIANCE_DESC, tensor(savedInvStd))
                .setDescriptors(Attribute.OPERATION_NORM_BWD_DXDESC, tensor(dx))
                .setDescriptors(Attribute.OPERATION_NORM_BWD_DSCALE_DESC, tensor(dscale))
                .setDescriptors(Attribute.OPERATION_NORM_BWD_DBIAS_DESC, tensor(dbias)), "batch-norm-backward");
    }

    /**
     * Finalises the operation graph and hands every descriptor over to it. {@code handle} is the cuDNN handle, or
     * {@link MemorySegment#NULL} where there is none: cuDNN 9 deprecated the graph's handle attribute, and builds that
     * no longer need it finalise the graph without a device. A handle cuDNN does not take is left out.
     */
    public OperationGraph build(MemorySegment handle) {
        if (operations.isEmpty()) throw new IllegalStateException("an operation graph needs at least one operation");
        BackendDescriptor graph = scope.create(DescriptorType.OPERATIONGRAPH)
                .setDescriptors(Attribute.OPERATIONGRAPH_OPS, operations.toArray(BackendDescriptor[]::new));
        if (!MemorySegment.NULL.equals(handle)) {
            try {
                graph.setAddresses(Attribute.OPERATIONGRAPH_HANDLE, handle.address());
            } catch (dev.jdnn.bindings.CudaException deprecated) {
                // a cuDNN that dropped the attribute does not need it
            }
        }
        graph.finish();
        handedOver = true;
        return new OperationGraph(scope, graph, List.copyOf(tensors.values()), summary.toString());
    }

    @Override
    public void close() {
        if (!handedOver) scope.close();
    }
}
