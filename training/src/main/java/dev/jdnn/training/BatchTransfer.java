package dev.jdnn.training;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.training.data.Batch;

/**
 * Moves a prepared batch into the model's input tensor and a labels tensor on the backend, with {@link Backend#copy}:
 * on the CPU backend a plain copy, on CUDA an upload from the loader's (pinned) host buffer — no heap array between.
 */
final class BatchTransfer {
    private final Backend backend;

    BatchTransfer(Backend backend) {
        this.backend = backend;
    }

    void toDevice(Batch batch, Tensor input, Tensor labels) {
        if (!batch.images().shape().equals(input.shape())) {
            throw new IllegalArgumentException("batch of shape " + batch.images().shape() + " does not fit the model input " + input.shape());
        }
        backend.copy(batch.images(), input);
        backend.uploadInts(batch.labels(), labels);
    }
}
