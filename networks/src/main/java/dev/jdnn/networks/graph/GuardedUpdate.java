package dev.jdnn.networks.graph;

import dev.jdnn.memory.Tensor;

import java.util.List;

/**
 * An optimizer update that {@link CompiledModel#forwardBackward(Tensor, float, GuardedUpdate)} records with the
 * training step, guarded on the device: between the loss and the update the model writes each of
 * {@link #applyFlags()} — 1 when every loss value of the step is finite, else 0
 * ({@link dev.jdnn.ops.Backend#finiteFlag}) — and {@link #enqueue()} must leave everything untouched when its flag
 * is 0 (the optimizer updates of {@link dev.jdnn.ops.Backend} do: the flags are the {@code apply} slots of their
 * {@link dev.jdnn.ops.OptimizerScalars}). So a step whose loss is NaN or infinite changes no parameter and no
 * optimizer state, though the host sees the loss only after the whole step ran.
 *
 * <p>The model owns the losses, the update owns its flags and per-step scalars (written before the step, outside
 * the recording). Both methods must answer the same on every call: a recording repeats what was captured.
 */
public interface GuardedUpdate {
    /** One-element float32 tensors on the model's device the guard writes before {@link #enqueue()} runs. */
    List<Tensor> applyFlags();

    /**
     * Issues the update, following the rules of {@link dev.jdnn.ops.Backend#capture} (asynchronous device work with
     * the same arguments every call), reading its flags when it runs.
     */
    void enqueue();

    /**
     * This update with {@code before} issued first, under the same flags — e.g. gradient clipping, which must
     * follow the same rules (recordable device work, the same every call).
     */
    default GuardedUpdate after(Runnable before) {
        GuardedUpdate self = this;
        return new GuardedUpdate() {
            @Override
            public List<Tensor> applyFlags() {
                return self.applyFlags();
            }

            @Override
            public void enqueue() {
                before.run();
                self.enqueue();
            }
        };
    }
}
