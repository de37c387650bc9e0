package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.Operands;

import java.lang.foreign.MemorySegment;

/**
 * Spatial batch normalisation, parallel over channels. Statistics are two-pass (mean, then squared deviations
 * from it) with double accumulation; the normalisation is y = (x - mean)·scale + shift, centred first so that inputs
 * with a large mean keep their precision. Other formats and dtypes than float32 NCHW run the same code on float32 NCHW
 * copies of x, y, dy and dx ({@link Staging}); the parameters and statistics are float32 in every case.
 */
final class CpuBatchNorm implements BatchNormPlan {
    private final BatchNormSpec spec;
    private final Shape shape, param;
    private final long count; // N*H*W values per channel

    CpuBatchNorm(BatchNormSpec spec) {
        this.spec = spec;
        this.shape = spec.shape();
        this.param = spec.paramShape();
        this.count = (long) shape.dim(0) * shape.dim(2) * shape.dim(3);
    }

    @Override
    public BatchNormSpec spec() {
        return spec;
    }

    private void activation(String what, Tensor t) {
        Operands.activation(what, t, shape, spec.operands(), Device.CPU);
    }

    @Override
    public void forwardTraining(Tensor x, Tensor gamma, Tensor beta, Tensor y,
                                Tensor runningMean, Tensor runningVar, Tensor saveMean, Tensor saveInvStd) {
        activation("batchNorm x", x);
        activation("batchNorm y", y);
        try (Staging s = new Staging()) {
            forwardTraining32(s.in(x), gamma, beta, s.out(y, false), runningMean, runningVar, saveMean, saveInvStd);
            s.commit();
        }
    }

    private void forwardTraining32(Tensor x, Tensor gamma, Tensor beta, Tensor y,
                                   Tensor runningMean, Tensor runningVar, Tensor saveMean, Tensor saveInvStd) {
        if (count < 2) throw new IllegalArgumentException("batchNorm training needs more than 1 value per channel, got input shape " + shape);
        Planes px = Planes.of("batchNorm x", x, shape), py = Planes.of("batchNorm y", y, shape);
        Param g = param("batchNorm gamma", gamma), b = param("batchNorm beta", beta);
        Param rm = param("batchNorm runningMean", runningMean), rv = param("batchNorm runningVar", runningVar);
        Param sm = param("batchNorm saveMean", saveMean), si = param("batchNorm saveInvStd", saveInvStd);
        float momentum = (float) spec.momentum();
        Runs.items(px.channels(), count, c -> {
            double sum = 0;
            for (int n = 0; n < px.batch(); n++) sum += Vec.sum(px.seg(), px.at(n, c), px.size());
            float mean = (float) (sum / count);
            double squares = 0;
            for (int n = 0; n < px.batch(); n++) squares += Vec.sumSquaredDeviations(px.seg(), px.at(n, c), px.size(), mean);
            double var = squares / count;
            float invStd = (float) (1.0 / Math.sqrt(var + spec.eps()));
            rm.set(c, (1 - momentum) * rm.get(c) + momentum * mean);
            rv.set(c, (1 - momentum) * rv.get(c) + momentum * (float) (squares / (count - 1)));
            sm.set(c, mean);
            si.set(c, invStd);
            normalise(px, py, c, mean, g.get(c) * invStd, b.get(c));
        });
    }

    @Override
    public void forwardInference(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean, Tensor runningVar) {
        activation("batchNorm x", x);
        activation("batchNorm y", y);
        try (Staging s = new Staging()) {
            forwardInference32(s.in(x), gamma, beta, s.out(y, false), runningMean, runningVar);
            s.commit();
        }
    }

    private void forwardInference32(Tensor x, Tensor gamma, Tensor beta, Tensor y, Tensor runningMean, Tensor runningVar) {
        Planes px = Planes.of("batchNorm x", x, shape), py = Planes.of("batchNorm y", y, shape);
        Param g = param("batchNorm gamma", gamma), b = param("batchNorm beta", beta);
        Param rm = param("batchNorm runningMean", runningMean), rv = param("batchNorm runningVar", runningVar);
        Runs.items(px.channels(), count, c -> {
            normalise(px, py, c, rm.get(c), (float) (g.get(c) / Math.sqrt(rv.get(c) + spec.eps())), b.get(c));
        });
    }

    /** y = (x - mean)·scale + shift over channel c of every sample. */
    private static void normalise(Planes px, Planes py, int c, float mean, float scale, float shift) {
        for (int n = 0; n < px.batch(); n++) Vec.normalise(px.seg(), px.at(n, c), mean, scale, shift, py.seg(), py.at(n, c), px.size());
    }

    /**
     * With x̂ = (x - mean)·invStd: dβ = Σdy, dγ = Σdy·x̂, dx = γ·invStd·(dy - dβ/M - x̂·dγ/M), applied as
     * dx = A·dy + B·(x - mean) + K per element.
     */
    @Override
    public void backward(float alphaData, float betaData, float alphaParam, float betaParam,
                         Tensor x, Tensor dy, Tensor gamma, Tensor dx, Tensor dgamma, Tensor dbeta,
                         Tensor saveMean, Tensor saveInvStd) {
        activation("batchNorm x", x);
        activation("batchNorm dy", dy);
        if (dx != null) activation("batchNorm dx", dx);
        try (Staging s = new Staging()) {
            backward32(alphaData, betaData, alphaParam, betaParam, s.in(x), s.in(dy), gamma, s.out(dx, betaData != 0f), dgamma, dbeta, saveMean, saveInvStd);
            s.commit();
        }
    }

    private void backward32(float alphaData, float betaData, float alphaParam, float betaParam,
                            Tensor x, Tensor dy, Tensor gamma, Tensor dx, Tensor dgamma, Tensor dbeta,
                            Tensor saveMean, Tensor saveInvStd) {
        Planes px = Planes.of("batchNorm x", x, shape), pdy = Planes.of("batchNorm dy", dy, shape);
        Planes pdx = dx == null ? null : Planes.of("batchNorm dx", dx, shape);
        Param g = param("batchNorm gamma", gamma), sm = param("batchNorm saveMean", saveMean), si = param("batchNorm saveInvStd", saveInvStd);
        Param dg = dgamma == null ? null : param("batchNorm dgamma", dgamma), db = dbeta == null ? null : param("batchNorm dbeta", dbeta);
        Runs.items(px.channels(), count, c -> {
            float mean = sm.get(c), invStd = si.get(c);
            double sumDy = 0, sumDyCentered = 0;
            for (int n = 0; n < px.batch(); n++) {
                sumDy += Vec.sum(pdy.seg(), pdy.at(n, c), px.size());
                sumDyCentered += Vec.dotCentered(pdy.seg(), pdy.at(n, c), px.seg(), px.at(n, c), px.size(), mean);
            }
            double sumDyXhat = sumDyCentered * invStd;
            if (dg != null) dg.set(c, (float) (alphaParam * sumDyXhat + (betaParam == 0f ? 0 : betaParam * dg.get(c))));
            if (db != null) db.set(c, (float) (alphaParam * sumDy + (betaParam == 0f ? 0 : betaParam * db.get(c))));
            if (pdx == null) return;
            double a = alphaData * g.get(c) * invStd;
            double b = -a * invStd * sumDyXhat / count;
            double k = -a * sumDy / count;
            for (int n = 0; n < px.batch(); n++) {
                Vec.combine((float) a, pdy.seg(), pdy.at(n, c), (float) b, px.seg(), px.at(n, c), mean, (float) k, betaData, pdx.seg(), pdx.at(n, c), px.size());
            }
        });
    }

    private Param param(String what, Tensor t) {
        HostTensors.contiguous(what, t, param);
        return new Param(HostTensors.seg(t), t.offset());
    }

    /** A contiguous [C] parameter or statistics tensor. */
    private record Param(MemorySegment seg, long offset) {
        float get(int c) {
            return Vec.get(seg, offset + c);
        }

        void set(int c, float v) {
            Vec.set(seg, offset + c, v);
        }
    }
}
