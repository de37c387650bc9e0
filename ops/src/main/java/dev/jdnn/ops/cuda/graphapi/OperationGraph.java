package dev.jdnn.ops.cuda.graphapi;

import java.util.List;

/**
 * A finalised cuDNN operation graph with the descriptors it was built from (destroyed with it), the tensors it reads
 * and writes, and a one-line summary of its operations for messages.
 */
public final class OperationGraph implements AutoCloseable {
    private final DescriptorScope scope;
    private final BackendDescriptor descriptor;
    private final List<GraphTensor> tensors;
    private final String summary;

    OperationGraph(DescriptorScope scope, BackendDescriptor descriptor, List<GraphTensor> tensors, String summary) {
        this.scope = scope;
        this.descriptor = descriptor;
        this.tensors = tensors;
        this.summary = summary;
    }

    BackendDescriptor descriptor() {
        return descriptor;
    }

    /** Every tensor of the graph, in the order first used. */
    public List<GraphTensor> tensors() {
        return tensors;
    }

    /** The tensors that need a pointer in the variant pack: those in memory and the by-value scalars. */
    public List<GraphTensor> boundTensors() {
        return tensors.stream().filter(t -> !t.isVirtual()).toList();
    }

    /** How many engines cuDNN has for graphs of this kind (CUDNN_ATTR_OPERATIONGRAPH_ENGINE_GLOBAL_COUNT). */
    public long engineCount() {
        return descriptor.getLong(Attribute.OPERATIONGRAPH_ENGINE_GLOBAL_COUNT);
    }

    /** e.g. "conv-forward -> add -> relu_fwd". */
    public String summary() {
        return summary;
    }

    @Override
    public void close() {
        scope.close();
    }
}
