package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.ModelTrace;

/**
 * Size and cost of a model for one input sample: trainable parameter count, multiply-accumulates of one
 * evaluation-mode forward pass (conv and linear layers; auxiliary heads excluded, as at inference), output shape.
 */
public record ModelSummary(long parameters, long macs, Shape output) {

    /** Summarises model for one sample of shape [channels, height, width], without running anything. */
    public static ModelSummary of(Layer model, int channels, int height, int width) {
        ModelTrace t = ModelTrace.of(model, Shape.of(1, channels, height, width), false);
        return new ModelSummary(model.parameterCount(), t.macs(), t.output());
    }
}
