package dev.jdnn.training.optim;

import dev.jdnn.memory.Tensor;

/**
 * A run of parameters one fused update call covers: views of the parameter values, their gradients and each
 * optimizer state tensor over the same elements (a contiguous range of the flat buffers, or one parameter).
 */
record Segment(Tensor values, Tensor grads, Tensor[] state) {}
