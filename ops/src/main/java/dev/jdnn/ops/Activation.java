package dev.jdnn.ops;

/** Pointwise activations. {@code param} is the negative slope for LEAKY_RELU and unused otherwise. */
public enum Activation {
    IDENTITY, RELU, RELU6, LEAKY_RELU, SIGMOID, TANH, SILU, HARD_SIGMOID, HARD_SWISH, GELU_TANH, GELU_ERF
}
