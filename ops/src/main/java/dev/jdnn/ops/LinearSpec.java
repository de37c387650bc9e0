package dev.jdnn.ops;

import dev.jdnn.memory.Shape;

/** y[batch, outFeatures] = x[batch, inFeatures] · Wᵀ + b, with W stored [outFeatures, inFeatures] as in PyTorch. */
public record LinearSpec(int batch, int inFeatures, int outFeatures, boolean bias) {
    public LinearSpec {
        Specs.positive("batch", batch); Specs.positive("inFeatures", inFeatures); Specs.positive("outFeatures", outFeatures);
    }
    public Shape inputShape() { return Shape.of(batch, inFeatures); }
    public Shape weightShape() { return Shape.of(outFeatures, inFeatures); }
    public Shape biasShape() { return Shape.of(outFeatures); }
    public Shape outputShape() { return Shape.of(batch, outFeatures); }
    public long macs() { return (long) batch * inFeatures * outFeatures; }
}
