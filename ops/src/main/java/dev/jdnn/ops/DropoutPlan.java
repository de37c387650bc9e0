package dev.jdnn.ops;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;

/**
 * Inverted dropout prepared for one shape: in training each element is zeroed with probability p and the rest are
 * scaled by 1/(1-p); in evaluation the graph simply does not call it.
 *
 * <p>Random stream: counter-based ({@link DropoutStream}). The mask of forward call k is a pure function of the
 * plan's seed, k and the element index, the same on every backend bit for bit; the plan's only random state is the
 * number of forward calls made, {@link #position()}, which {@link #seek} sets (to resume a run exactly). On CUDA the
 * counter lives in device memory and the forward advances it there, so a recorded forward
 * ({@link Backend#capture}) draws the next mask on every replay.
 *
 * <p>The mask is a byte per element (1 = kept, element i of the row-major order at byte i) in a caller-owned,
 * contiguous reserve tensor of {@link #reserveBytes()} bytes on the plan's device, written by forward and read by
 * backward. x and y may be the same tensor (in place); both may be batch-strided views.
 */
public interface DropoutPlan extends AutoCloseable {
    /** Shape, probability and seed, as created. */
    DropoutSpec spec();

    default Shape shape() {
        return spec().shape();
    }

    default float probability() {
        return spec().probability();
    }

    default long reserveBytes() {
        return spec().reserveBytes();
    }

    /** y = x * mask / (1-p) with the next mask of the stream; advances {@link #position()} by one. */
    void forward(Tensor x, Tensor y, Tensor reserve);

    /** dx = dy * mask / (1-p) with the mask the forward left in {@code reserve}. */
    void backward(Tensor dy, Tensor dx, Tensor reserve);

    /** Forward calls made so far, i.e. the index of the next call's mask (on CUDA a download: synchronises). */
    long position();

    /**
     * Makes the next forward call draw the mask of call {@code position} (0 restarts the stream). Not inside a
     * {@link Backend#capture}: a recording would repeat the seek on every replay.
     */
    void seek(long position);

    @Override
    default void close() {}
}
