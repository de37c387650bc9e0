package dev.jdnn.networks;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/**
 * A named tensor a module owns: a trainable parameter (weight, bias) or a buffer (BN running statistics).
 * Its storage ({@link #value()}, {@link #grad()}) exists once the model is compiled for a backend.
 */
public final class Parameter {
    public enum Kind { PARAMETER, BUFFER }

    private final String localName;
    private final Shape shape;
    private final Kind kind;
    private Init init;
    private Tensor value;
    private Tensor grad;
    private Tensor computeCopy;
    private boolean trainable = true;

    public Parameter(String localName, Shape shape, Kind kind, Init init) {
        this.localName = localName;
        this.shape = shape;
        this.kind = kind;
        this.init = init;
    }

    public String localName() { return localName; }
    public Shape shape() { return shape; }
    public Kind kind() { return kind; }
    public boolean isBuffer() { return kind == Kind.BUFFER; }
    public Init init() { return init; }
    public void setInit(Init init) { this.init = init; }
    public long numel() { return shape.numel(); }

    /** False for buffers and for parameters of frozen modules: no gradient, no optimizer state. */
    public boolean trainable() { return kind == Kind.PARAMETER && trainable; }
    public void setTrainable(boolean trainable) { this.trainable = trainable; }

    /** The backend tensor holding the values; null before compile. */
    public Tensor value() { return value; }
    public void bindValue(Tensor value) { this.value = value; }

    /**
     * What convolutions and linear layers read as this weight: in a bfloat16/float16 compile a copy of {@link #value()}
     * in that dtype (same layout), which the compiled model refreshes from the value before every forward pass, so
     * it is never stale; {@link #value()} itself otherwise. Everything that reads or writes weights by name uses
     * {@link #value()}, the float32 master.
     */
    public Tensor computeValue() { return computeCopy != null ? computeCopy : value; }
    /** Binds the half-precision copy {@link #computeValue()} returns; null for none (float32 compiles). */
    public void bindComputeCopy(Tensor copy) { this.computeCopy = copy; }

    /** The gradient tensor; null before compile and for non-trainable parameters. */
    public Tensor grad() { return grad; }
    public void bindGrad(Tensor grad) { this.grad = grad; }
}
