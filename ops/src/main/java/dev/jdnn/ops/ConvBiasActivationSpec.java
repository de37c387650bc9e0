package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;

import java.util.Locale;
import java.util.Objects;

/**
 * Inference's convolution + bias + activation: {@code y = act(conv(x, w) + b)}, act IDENTITY or RELU. The bias is
 * there exactly when {@code conv.bias()}. Unfused, it is {@link Conv2dPlan#forward} with the bias, then
 * {@link ActivationPlan#forward} in place on y.
 */
public record ConvBiasActivationSpec(Conv2dSpec conv, Activation activation) implements FusedSpec<ConvBiasActivationPlan> {
    public ConvBiasActivationSpec {
        Objects.requireNonNull(conv, "conv-bias-activation conv");
        Objects.requireNonNull(activation, "conv-bias-activation activation");
        if (activation != Activation.IDENTITY && activation != Activation.RELU) {
            throw new IllegalArgumentException("conv-bias-activation fuses IDENTITY or RELU, got " + activation);
        }
    }

    /** The pattern for {@code conv}, with its operand type. */
    public static ConvBiasActivationSpec of(Conv2dSpec conv, Activation activation) {
        return new ConvBiasActivationSpec(conv, activation);
    }

    public ConvBiasActivationSpec with(DType newDtype, MemoryFormat newFormat) {
        return new ConvBiasActivationSpec(conv.with(OperandType.of(newFormat, newDtype)), activation);
    }

    @Override public OperandType operands() { return conv.operands(); }

    @Override public String pattern() { return "conv-bias-activation"; }

    @Override
    public String describe() {
        return pattern() + " " + conv.geometry() + " bias=" + conv.bias() + " activation=" + activation.name().toLowerCase(Locale.ROOT)
                + " " + Specs.format(dtype(), format());
    }

    @Override public Class<ConvBiasActivationPlan> planType() { return ConvBiasActivationPlan.class; }
}
