package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.BnBackwardPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * BatchNorm2d. In the training graph (unless the layer is frozen) it normalises with batch statistics, updates the
 * running statistics and saves mean/inv-std for the backward. Otherwise it uses the running statistics; a frozen BN
 * inside the training graph then back-propagates through that fixed affine map, dx = dy * gamma / sqrt(var + eps),
 * which is itself an inference-mode BN applied to dy with zero mean and zero shift.
 */
public final class BatchNormNode extends Node {
    private final Parameter weight, bias, runningMean, runningVar;
    private final BatchNormSpec spec;
    private final boolean batchStats;
    private BatchNormPlan plan;

    private BatchNormNode(String path, Value output, int input, Parameter[] params, BatchNormSpec spec, boolean batchStats) {
        super(path, output, input);
        this.weight = params[0];
        this.bias = params[1];
        this.runningMean = params[2];
        this.runningVar = params[3];
        this.spec = spec;
        this.batchStats = batchStats;
    }

    /** The channels are the weight's length; every per-channel tensor must have it. */
    public static Value trace(TraceContext t, Value x, Parameter weight, Parameter bias, Parameter runningMean, Parameter runningVar,
                       double eps, double momentum, boolean batchStats) {
        Shape s = x.shape(), c = weight.shape();
        for (Parameter p : new Parameter[] {bias, runningMean, runningVar}) {
            if (!p.shape().equals(c)) throw t.error("batchNorm2d " + p.localName() + " must have the weight's shape " + c + ", got " + p.shape());
        }
        if (c.rank() != 1 || s.rank() != 4 || s.dim(1) != c.dim(0)) {
            throw t.error("batchNorm2d(%s) expects an input of shape [N, %s, H, W], got %s".formatted(c, c.rank() == 1 ? c.dim(0) : "C", s));
        }
        BatchNormSpec spec = new BatchNormSpec(s, eps, momentum, t.graph().type(x.id()));
        Parameter[] params = {weight, bias, runningMean, runningVar};
        return t.add(new BatchNormNode(t.path(), t.newValue(s), x.id(), params, spec, batchStats)).output;
    }

    public BatchNormSpec spec() { return spec; }
    /** True when it normalises with batch statistics (training graph, not frozen). */
    public boolean batchStats() { return batchStats; }
    public Parameter gamma() { return weight; }
    public Parameter beta() { return bias; }
    public Parameter runningMean() { return runningMean; }
    public Parameter runningVar() { return runningVar; }

    @Override
    public String kind() {
        return batchStats ? "batchnorm(train)" : "batchnorm(eval)";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }

    @Override
    public void prepare(PlanCache plans) {
        plan = plans.batchNorm(spec);
    }

    /** Training: saved mean and inv-std (forward to backward), then dgamma/dbeta scratch if those are not trained.
     *  Frozen in the training graph: one zero vector used as mean and shift of the backward map. */
    @Override
    public List<AuxBuffer> auxBuffers(boolean runsBackward) {
        Shape c = spec.paramShape();
        List<AuxBuffer> aux = new ArrayList<>();
        if (batchStats) {
            aux.add(AuxBuffer.untilBackward(c));
            aux.add(AuxBuffer.untilBackward(c));
            if (!weight.trainable()) aux.add(AuxBuffer.backward(c));
            if (!bias.trainable()) aux.add(AuxBuffer.backward(c));
        } else if (runsBackward) {
            aux.add(AuxBuffer.backward(c));
        }
        return aux;
    }

    @Override
    public boolean readsInputInBackward(int i) {
        return batchStats;
    }

    @Override
    public boolean accumulatesInputGrad(int i) {
        return batchStats;
    }

    @Override
    public boolean mustWriteInputGrad(int i) {
        return batchStats;
    }

    @Override
    public void forward(NodeContext c) {
        Tensor gamma = weight.value(), beta = bias.value();
        Tensor mean = runningMean.value(), var = runningVar.value();
        if (batchStats) plan.forwardTraining(c.in[0], gamma, beta, c.out, mean, var, c.aux[0], c.aux[1]);
        else plan.forwardInference(c.in[0], gamma, beta, c.out, mean, var);
    }

    @Override
    public void backward(NodeContext c) {
        if (batchStats) backwardTraining(c, null);
        else backwardFrozen(c);
    }

    /**
     * The training backward, through {@code fused} (a {@link BnBackwardPlan} for this spec, or null) when every
     * result is overwritten rather than accumulated — the fused plan has no betas — else through the unfused plan.
     */
    public void backwardTraining(NodeContext c, BnBackwardPlan fused) {
        int scratch = 2;
        Tensor dGamma = c.paramGrad[0] != null ? c.paramGrad[0] : c.aux[scratch++];
        Tensor dBeta = c.paramGrad[1] != null ? c.paramGrad[1] : c.aux[scratch];
        float betaParam = c.paramGrad[0] != null ? c.paramBeta[0] : 0f;
        if (c.paramGrad[0] != null && c.paramGrad[1] != null && c.paramBeta[0] != c.paramBeta[1]) {
            throw new IllegalStateException(path + ": gamma and beta gradients need different accumulation modes"); // they are always written together
        }
        if (c.paramGrad[0] == null && c.paramGrad[1] != null) betaParam = c.paramBeta[1];
        Tensor dx = c.wantsGrad(0) ? c.dIn[0] : c.dInTemp[0];
        float betaData = c.wantsGrad(0) ? c.dInBeta[0] : 0f;
        if (fused != null && betaData == 0f && betaParam == 0f) {
            fused.backward(c.in[0], c.dOut, weight.value(), c.aux[0], c.aux[1], dx, dGamma, dBeta);
        } else {
            plan.backward(1f, betaData, 1f, betaParam, c.in[0], c.dOut, weight.value(), dx, dGamma, dBeta, c.aux[0], c.aux[1]);
        }
    }

    private void backwardFrozen(NodeContext c) {
        if (!c.wantsGrad(0)) return;
        Tensor zeros = c.aux[0];
        c.backend.fill(zeros, 0f);
        plan.forwardInference(c.dOut, weight.value(), zeros, c.gradTarget(0), zeros, runningVar.value());
        c.finishGrad(0);
    }
}
