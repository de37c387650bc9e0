package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.BnFinalizePlan;
import dev.jdnn.ops.BnFinalizeSpec;

/** {@link BnFinalizeSpec}'s per-channel formulas, in double, each result rounded once to float. */
final class CpuBnFinalize implements BnFinalizePlan {
    private final BnFinalizeSpec spec;

    CpuBnFinalize(BnFinalizeSpec spec) {
        this.spec = spec;
    }

    @Override public BnFinalizeSpec spec() { return spec; }
    @Override public long workspaceBytes() { return 0; }
    @Override public String implementation() { return "CPU: the per-channel formulas in double"; }

    @Override
    public void finalizeStatistics(Tensor sum, Tensor sqSum, Tensor gamma, Tensor beta, Tensor runningMean, Tensor runningVar,
                                   Tensor saveMean, Tensor saveInvStd, Tensor eqScale, Tensor eqBias, Tensor workspace) {
        int c = spec.channels();
        String p = spec.pattern();
        float[] s = Channels.vector(p + " sum", sum, c), q = Channels.vector(p + " sqSum", sqSum, c);
        float[] g = Channels.vector(p + " gamma", gamma, c), b = Channels.vector(p + " beta", beta, c);
        float[] rm = Channels.vector(p + " runningMean", runningMean, c), rv = Channels.vector(p + " runningVar", runningVar, c);
        for (Tensor out : new Tensor[]{saveMean, saveInvStd, eqScale, eqBias}) Channels.vector(p + " output", out, c); // checked before anything is written
        float[] mean = new float[c], invStd = new float[c], scale = new float[c], shift = new float[c];
        double m = spec.count(), momentum = spec.momentum();
        for (int i = 0; i < c; i++) {
            double mu = s[i] / m;
            double var = Math.max(0, q[i] / m - mu * mu); // a rounding-negative variance is 0
            double is = 1 / Math.sqrt(var + spec.eps());
            mean[i] = (float) mu;
            invStd[i] = (float) is;
            scale[i] = (float) (g[i] * is);
            shift[i] = (float) (b[i] - mu * g[i] * is);
            rm[i] = (float) ((1 - momentum) * rm[i] + momentum * mu);
            rv[i] = (float) ((1 - momentum) * rv[i] + momentum * var * m / (m - 1));
        }
        Channels.write(p + " runningMean", runningMean, rm);
        Channels.write(p + " runningVar", runningVar, rv);
        Channels.write(p + " saveMean", saveMean, mean);
        Channels.write(p + " saveInvStd", saveInvStd, invStd);
        Channels.write(p + " eqScale", eqScale, scale);
        Channels.write(p + " eqBias", eqBias, shift);
    }
}
