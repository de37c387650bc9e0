package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.BnBackwardPlan;
import dev.jdnn.ops.BnFinalizePlan;
import dev.jdnn.ops.ConvStatsPlan;
import dev.jdnn.ops.DgradDreluPlan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The training graph's convolution, its batch norm (batch statistics) and, when one follows, its ReLU, run through
 * fused plans.
 *
 * <p>Forward: a {@link ConvStatsPlan} writes y = conv(x, w) and the per-channel sums of y as it goes, a
 * {@link BnFinalizePlan} turns them into the running-statistics update, the saved mean and inverse standard deviation,
 * and the batch norm as a per-channel scale and bias, and {@code scaleBiasActivation} writes
 * {@code a = relu(y * scale + bias)} — the statistics cost no pass of their own, and the batch norm's output and the
 * ReLU's are one write instead of two.
 *
 * <p>Backward: the ReLU's derivative (unless the node reading {@code a} applies it inside its own backward-data:
 * {@link #letConsumerApplyReluDerivative}), the batch norm's backward ({@link BnBackwardPlan} where the backend fused
 * it, else the unfused one), the convolution's backward-data ({@link DgradDreluPlan} where x is the ReLU output of
 * another such node that lets this one apply its derivative, else the plain one) and backward-filter. The unfused
 * pieces are the original nodes' own backwards, run on contexts bound to this node's buffers.
 *
 * <p>y, the saved statistics and the scratch of the backward are this node's auxiliary buffers; dgrad-drelu needs x
 * in the backward even when the weight is frozen.
 */
public final class ConvBatchNormNode extends Node {
    private static final int Y = 0, BN_AUX = 1; // then the batch norm's own buffers, then FORWARD_ONLY, then the backward's

    private final ConvNode conv;
    private final BatchNormNode bn;
    private final ActivationNode relu; // null: the batch norm's output is the node's
    private final ConvStatsPlan stats;
    private final BnFinalizePlan finalizer;
    private final BnBackwardPlan bnBackward; // null: the batch norm's unfused backward
    private final int bnAuxCount;
    private DgradDreluPlan dgradDrelu;       // set when x's producer lets this node apply its ReLU's derivative
    private boolean consumerAppliesReluDerivative;
    private NodeContext bound, convContext, bnContext, reluContext;

    /** {@code output}: the group's last value (the ReLU's, else the batch norm's). */
    public ConvBatchNormNode(ConvNode conv, BatchNormNode bn, ActivationNode relu, Value output,
                             ConvStatsPlan stats, BnFinalizePlan finalizer, BnBackwardPlan bnBackward) {
        super(conv.path, output, conv.inputs[0]);
        if (!bn.batchStats()) throw new IllegalArgumentException(bn + ": only a batch norm using batch statistics computes them from the convolution's sums");
        if (relu != null && relu.activation() != Activation.RELU) throw new IllegalArgumentException(relu + ": only a ReLU folds into the batch norm's apply");
        this.conv = conv;
        this.bn = bn;
        this.relu = relu;
        this.stats = stats;
        this.finalizer = finalizer;
        this.bnBackward = bnBackward;
        this.bnAuxCount = bn.auxBuffers(true).size();
    }

    public boolean endsWithRelu() {
        return relu != null;
    }

    public ConvNode conv() {
        return conv;
    }

    /** The backward-data of the convolution, fused with the derivative of the ReLU that produced its input. */
    public void applyInputReluDerivative(DgradDreluPlan plan) {
        this.dgradDrelu = plan;
    }

    /**
     * The one node reading this node's output applies the ReLU's derivative inside its backward-data, so the gradient
     * that arrives here is already the batch norm's output gradient.
     */
    public void letConsumerApplyReluDerivative() {
        if (relu == null) throw new IllegalStateException(this + " ends without a ReLU");
        consumerAppliesReluDerivative = true;
    }

    private int forwardOnly() {
        return BN_AUX + bnAuxCount; // sum, sqSum, scale, bias
    }

    private boolean runsReluBackward() {
        return relu != null && !consumerAppliesReluDerivative;
    }

    /** The batch norm's output gradient, when the ReLU's derivative is applied here; then y's gradient. */
    private int dz() {
        return forwardOnly() + 4;
    }

    private int dy() {
        return dz() + (runsReluBackward() ? 1 : 0);
    }

    @Override
    public String kind() {
        return "conv-batchnorm" + (relu != null ? "-relu" : "") + "(fused)";
    }

    @Override
    public List<Parameter> parameters() {
        List<Parameter> params = new ArrayList<>(conv.parameters());
        params.addAll(bn.parameters());
        return params;
    }

    @Override
    public long macs() {
        return conv.macs();
    }

    /** The convolution's two gradients, as for a plain convolution: data when wanted upstream, weight when trainable. */
    @Override
    public long backwardMacs(NodeContext c) {
        return macs() * ((c.wantsGrad(0) ? 1 : 0) + (c.paramGrad[0] != null ? 1 : 0));
    }

    /** Besides x, the parameters and the output: y written by the convolution and read back by the batch norm's apply. */
    @Override
    public long forwardBytes(NodeContext c) {
        return super.forwardBytes(c) + 2 * bytes(c.aux[Y]);
    }

    /** Besides the defaults: y read by the batch norm's backward, its gradient written and read, and the ReLU's scratch. */
    @Override
    public long backwardBytes(NodeContext c) {
        return super.backwardBytes(c) + bytes(c.aux[Y]) + 2 * bytes(c.aux[dy()]) + (runsReluBackward() ? 2 * bytes(c.aux[dz()]) : 0);
    }

    @Override
    public String implementation() {
        return "conv-stats: " + stats.implementation() + "; bn-finalize: " + finalizer.implementation()
                + "; bn-backward: " + (bnBackward != null ? bnBackward.implementation() : "unfused")
                + "; backward-data: " + (dgradDrelu != null ? "dgrad-drelu " + dgradDrelu.implementation() : "unfused")
                + "; convolution: " + conv.implementation();
    }

    @Override
    public void prepare(PlanCache plans) {
        conv.prepare(plans);
        bn.prepare(plans);
        if (relu != null) relu.prepare(plans);
    }

    @Override
    public long workspaceBytes() {
        long bytes = Math.max(conv.workspaceBytes(), Math.max(stats.workspaceBytes(), finalizer.workspaceBytes()));
        if (bnBackward != null) bytes = Math.max(bytes, bnBackward.workspaceBytes());
        if (dgradDrelu != null) bytes = Math.max(bytes, dgradDrelu.workspaceBytes());
        return bytes;
    }

    @Override
    public List<AuxBuffer> auxBuffers(boolean runsBackward) {
        Shape y = conv.output.shape(), c = Shape.of(conv.spec().outChannels());
        List<AuxBuffer> aux = new ArrayList<>();
        aux.add(AuxBuffer.untilBackward(y));
        aux.addAll(bn.auxBuffers(runsBackward));
        for (int i = 0; i < 4; i++) aux.add(AuxBuffer.forward(c));
        if (runsReluBackward()) aux.add(AuxBuffer.backward(y));
        aux.add(AuxBuffer.backward(y));
        return aux;
    }

    @Override
    public boolean readsInputInBackward(int i) {
        return conv.weight.trainable() || dgradDrelu != null; // backward-filter correlates x with dy; dgrad-drelu masks with x > 0
    }

    @Override
    public boolean readsOutputInBackward() {
        return runsReluBackward();
    }

    @Override
    public boolean accumulatesInputGrad(int i) {
        return dgradDrelu == null; // the fused plan overwrites
    }

    @Override
    public boolean canWriteStridedOutput() {
        return false; // written by scaleBiasActivation from y's per-channel layout; kept dense for the consumers' fused plans
    }

    @Override
    public void forward(NodeContext c) {
        int f = forwardOnly();
        Tensor y = c.aux[Y], sum = c.aux[f], sqSum = c.aux[f + 1], scale = c.aux[f + 2], bias = c.aux[f + 3];
        stats.forward(c.in[0], null, null, conv.weight.value(), y, sum, sqSum);
        finalizer.finalizeStatistics(sum, sqSum, bn.gamma().value(), bn.beta().value(), bn.runningMean().value(), bn.runningVar().value(),
                c.aux[BN_AUX], c.aux[BN_AUX + 1], scale, bias);
        c.backend.scaleBiasActivation(y, scale, bias, relu != null ? Activation.RELU : Activation.IDENTITY, c.out);
    }

    @Override
    public void backward(NodeContext c) {
        bindParts(c);
        if (runsReluBackward()) relu.backward(reluContext);
        bn.backwardTraining(bnContext, bnBackward);
        if (c.wantsGrad(0)) {
            if (dgradDrelu != null) {
                dgradDrelu.backward(c.aux[dy()], conv.weight.value(), c.in[0], null, null, c.gradTarget(0));
                c.finishGrad(0);
            } else {
                conv.backwardData(convContext);
            }
        }
        if (c.paramGrad[0] != null) conv.backwardWeight(convContext);
    }

    /** Contexts for the original nodes' backwards, bound once to this node's tensors. */
    private void bindParts(NodeContext c) {
        if (bound == c) return;
        Tensor y = c.aux[Y], dy = c.aux[dy()], dz = runsReluBackward() ? c.aux[dz()] : c.dOut;
        convContext = new NodeContext(c.backend, 1, 1);
        convContext.in[0] = c.in[0];
        convContext.out = y;
        convContext.dOut = dy;
        convContext.dIn[0] = c.dIn[0];
        convContext.dInBeta[0] = c.dInBeta[0];
        convContext.dInTemp[0] = c.dInTemp[0];
        convContext.paramGrad[0] = c.paramGrad[0];
        convContext.paramBeta[0] = c.paramBeta[0];
        bnContext = new NodeContext(c.backend, 1, 2);
        bnContext.in[0] = y;
        bnContext.out = c.out;
        bnContext.dOut = dz;
        bnContext.dIn[0] = dy; // first and only writer: beta 0
        bnContext.paramGrad[0] = c.paramGrad[1];
        bnContext.paramGrad[1] = c.paramGrad[2];
        bnContext.paramBeta[0] = c.paramBeta[1];
        bnContext.paramBeta[1] = c.paramBeta[2];
        bnContext.aux = Arrays.copyOfRange(c.aux, BN_AUX, BN_AUX + bnAuxCount);
        if (runsReluBackward()) {
            reluContext = new NodeContext(c.backend, 1, 0);
            reluContext.in[0] = c.out; // y in place of x, as for an in-place ReLU: the same derivative
            reluContext.out = c.out;
            reluContext.dOut = c.dOut;
            reluContext.dIn[0] = dz;
        }
        bound = c;
    }
}
