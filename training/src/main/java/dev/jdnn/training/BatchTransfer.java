package dev.jdnn.training;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.training.data.Batch;

/**
 * Moves a prepared batch into the model's input tensor and a labels tensor on the backend. A batch buffer on the
 * backend's own device goes by {@link Backend#copy} (no extra copy on the CPU backend); anything else through a
 * host array and {@link Backend#upload}.
 */
final class BatchTransfer {
    private final Backend backend;
    private final boolean direct;

    BatchTransfer(Backend backend, Tensor sampleBuffer) {
        this.backend = backend;
        // Backend.copy requires both operands on the backend's device; a host (or pinned) buffer for a GPU backend
        // therefore goes through upload until the CUDA backend accepts host sources in copy.
        this.direct = sampleBuffer.device().equals(backend.device());
    }

    void toDevice(Batch batch, Tensor input, Tensor labels) {
        if (!batch.images().shape().equals(input.shape())) {
            throw new IllegalArgumentException("batch of shape " + batch.images().shape() + " does not fit the model input " + input.shape());
        }
        if (direct) backend.copy(batch.images(), input);
        else backend.upload(batch.images().toFloatArray(), input);
        backend.uploadInts(batch.labels(), labels);
    }
}
