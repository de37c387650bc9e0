package dev.jdnn.ops;

/**
 * Work recorded once by {@link Backend#capture} and issued again as a whole by {@link #replay()} — on CUDA an
 * instantiated CUDA graph, launched with one call instead of one launch (and one Java-to-native transition) per op.
 * A replay repeats the recorded calls exactly: the same tensors (addresses), the same host scalars, the same
 * sequence of ops; it reads whatever those tensors hold at the time, so new inputs are copied into the recorded
 * buffers before a replay. Belongs to the backend that recorded it; close it before closing the backend.
 */
public interface Recording extends AutoCloseable {
    /** Issues the recorded work again, asynchronously like any other op of the backend. */
    void replay();

    /** Releases the recording; idempotent. Replaying a closed recording throws. */
    @Override
    void close();
}
