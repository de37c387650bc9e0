package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Device;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Fully connected layer on the CPU, every product one {@link CpuGemm} call. x, y, dx and dy may be batch-strided
 * (rows any distance apart): the row stride is simply the GEMM's leading dimension. bfloat16/float16 operands run the
 * same products on float32 copies ({@link Staging}).
 */
public final class CpuLinear implements LinearPlan {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private final LinearSpec spec;
    private final int batch, in, out;
    private final OperandType type;

    CpuLinear(LinearSpec spec) {
        this.spec = spec;
        this.batch = spec.batch();
        this.in = spec.inFeatures();
        this.out = spec.outFeatures();
        this.type = OperandType.of(MemoryFormat.NCHW, spec.dtype());
    }

    /** A plan usable without a backend (benchmarks, tools); same as {@code CpuBackend.linear(spec)}. */
    public static CpuLinear of(LinearSpec spec) {
        return new CpuLinear(spec);
    }

    @Override public LinearSpec spec() { return spec; }

    @Override public String implementation() { return "GEMM (float32, Vector API)"; }

    @Override
    public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
        Operands.activation("linear input", x, spec.inputShape(), type, Device.CPU);
        Operands.weight("linear weight", w, spec.weightShape(), type, Device.CPU);
        Operands.activation("linear output", y, spec.outputShape(), type, Device.CPU);
        try (Staging s = new Staging()) {
            forward32(alpha, s.in(x), s.in(w), bias, beta, s.out(y, beta != 0f));
            s.commit();
        }
    }

    private void forward32(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
        HostTensors.batched("linear input", x, spec.inputShape());
        HostTensors.contiguous("linear weight", w, spec.weightShape());
        if (bias != null) HostTensors.contiguous("linear bias", bias, spec.biasShape());
        HostTensors.batched("linear output", y, spec.outputShape());
        MemorySegment ys = y.hostSegment();
        long ldy = HostTensors.sampleStride(y);
        // y = alpha * x (batch x in) * W^T (in x out) + beta * y
        CpuGemm.sgemm(false, true, batch, out, in, alpha, x.hostSegment(), 0, HostTensors.sampleStride(x),
                w.hostSegment(), 0, in, beta, ys, 0, ldy);
        if (bias == null) return;
        MemorySegment bs = bias.hostSegment();
        for (int n = 0; n < batch; n++) {
            for (int o = 0; o < out; o++) {
                long e = n * ldy + o;
                ys.setAtIndex(F32, e, ys.getAtIndex(F32, e) + alpha * bs.getAtIndex(F32, o));
            }
        }
    }

    @Override
    public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
        Operands.activation("linear output gradient", dy, spec.outputShape(), type, Device.CPU);
        Operands.weight("linear weight", w, spec.weightShape(), type, Device.CPU);
        Operands.activation("linear input gradient", dx, spec.inputShape(), type, Device.CPU);
        try (Staging s = new Staging()) {
            backwardData32(alpha, s.in(dy), s.in(w), beta, s.out(dx, beta != 0f));
            s.commit();
        }
    }

    private void backwardData32(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
        HostTensors.batched("linear output gradient", dy, spec.outputShape());
        HostTensors.contiguous("linear weight", w, spec.weightShape());
        HostTensors.batched("linear input gradient", dx, spec.inputShape());
        // dx = alpha * dy (batch x out) * W (out x in) + beta * dx
        CpuGemm.sgemm(false, false, batch, in, out, alpha, dy.hostSegment(), 0, HostTensors.sampleStride(dy),
                w.hostSegment(), 0, in, beta, dx.hostSegment(), 0, HostTensors.sampleStride(dx));
    }

    @Override
    public void backwardWeight(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
        Operands.activation("linear input", x, spec.inputShape(), type, Device.CPU);
        Operands.activation("linear output gradient", dy, spec.outputShape(), type, Device.CPU);
        try (Staging s = new Staging()) {
            backwardWeight32(alpha, s.in(x), s.in(dy), beta, dw);
        }
    }

    private void backwardWeight32(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
        HostTensors.batched("linear input", x, spec.inputShape());
        HostTensors.batched("linear output gradient", dy, spec.outputShape());
        HostTensors.contiguous("linear weight gradient", dw, spec.weightShape());
        // dW = alpha * dy^T (out x batch) * x (batch x in) + beta * dW
        CpuGemm.sgemm(true, false, out, in, batch, alpha, dy.hostSegment(), 0, HostTensors.sampleStride(dy),
                x.hostSegment(), 0, HostTensors.sampleStride(x), beta, dw.hostSegment(), 0, in);
    }

    @Override
    public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
        Operands.activation("linear output gradient", dy, spec.outputShape(), type, Device.CPU);
        try (Staging s = new Staging()) {
            backwardBias32(alpha, s.in(dy), beta, db);
        }
    }

    private void backwardBias32(float alpha, Tensor dy, float beta, Tensor db) {
        HostTensors.batched("linear output gradient", dy, spec.outputShape());
        HostTensors.contiguous("linear bias gradient", db, spec.biasShape());
        MemorySegment gs = dy.hostSegment(), dbs = db.hostSegment();
        long ld = HostTensors.sampleStride(dy);
        for (int o = 0; o < out; o++) {
            double sum = 0;
            for (int n = 0; n < batch; n++) sum += gs.getAtIndex(F32, n * ld + o);
            float v = alpha * (float) sum;
            dbs.setAtIndex(F32, o, beta == 0f ? v : v + beta * dbs.getAtIndex(F32, o));
        }
    }
}
