package dev.jdnn.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/**
 * Inverted dropout prepared for one shape: in training each element is zeroed with probability p and the rest are
 * scaled by 1/(1-p); in evaluation the graph simply does not call it. The mask lives in a caller-owned reserve
 * tensor of {@link #reserveBytes()} bytes (cuDNN's reserve space; a byte mask on the CPU). The random stream is
 * seeded at plan creation and advances with every forward call.
 */
public interface DropoutPlan extends AutoCloseable {
    Shape shape();

    float probability();

    long reserveBytes();

    void forward(Tensor x, Tensor y, Tensor reserve);

    void backward(Tensor dy, Tensor dx, Tensor reserve);

    @Override
    default void close() {}
}
