package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;

/**
 * y[batch, outFeatures] = x[batch, inFeatures] · Wᵀ + b, with W stored [outFeatures, inFeatures] as in PyTorch. x, y,
 * their gradients and W (the weight copy) are stored as {@code dtype}; the bias and the weight and bias gradients are
 * float32. Rows may be batch-strided (2-D operands have no memory format).
 */
public record LinearSpec(int batch, int inFeatures, int outFeatures, boolean bias, DType dtype) {
    public LinearSpec {
        Specs.positive("batch", batch); Specs.positive("inFeatures", inFeatures); Specs.positive("outFeatures", outFeatures);
        new OperandType(MemoryFormat.NCHW, java.util.Objects.requireNonNull(dtype, "linear dtype")); // a floating-point storage type
    }

    /** Float32 operands. */
    public LinearSpec(int batch, int inFeatures, int outFeatures, boolean bias) {
        this(batch, inFeatures, outFeatures, bias, DType.FLOAT32);
    }

    public LinearSpec with(DType newDtype) {
        return new LinearSpec(batch, inFeatures, outFeatures, bias, newDtype);
    }

    /** "linear batch=32 in=512 out=10 bias=true float32", for messages. */
    @Override
    public String toString() {
        return "linear batch=" + batch + " in=" + inFeatures + " out=" + outFeatures + " bias=" + bias + " " + dtype.label();
    }

    public Shape inputShape() { return Shape.of(batch, inFeatures); }
    public Shape weightShape() { return Shape.of(outFeatures, inFeatures); }
    public Shape biasShape() { return Shape.of(outFeatures); }
    public Shape outputShape() { return Shape.of(batch, outFeatures); }
    public long macs() { return (long) batch * inFeatures * outFeatures; }
}
