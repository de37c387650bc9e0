package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.cudnn.cudnn_h;

import java.lang.foreign.MemorySegment;

/**
 * An execution plan: an operation graph bound to one engine configuration on one cuDNN handle (device), ready to run.
 * Built from an {@link EngineChoice}, so a configuration from the heuristics and one read back from disk take the
 * same path. Owns the engine, knob, configuration and plan descriptors.
 */
public final class ExecutionPlan implements AutoCloseable {
    private final DescriptorScope scope;
    private final BackendDescriptor plan;
    private final EngineChoice choice;
    private final long workspaceBytes;

    private ExecutionPlan(DescriptorScope scope, BackendDescriptor plan, EngineChoice choice) {
        this.scope = scope;
        this.plan = plan;
        this.choice = choice;
        this.workspaceBytes = plan.getLong(Attribute.EXECUTION_PLAN_WORKSPACE_SIZE);
    }

    /**
     * The plan for {@code graph} with configuration {@code choice} on {@code handle}; throws CudaException (with cuDNN's
     * status) when cuDNN cannot build it, e.g. an engine index this graph or device does not support.
     */
    public static ExecutionPlan build(OperationGraph graph, EngineChoice choice, MemorySegment handle) {
        DescriptorScope scope = new DescriptorScope();
        try {
            BackendDescriptor engine = scope.create(DescriptorType.ENGINE)
                    .setDescriptors(Attribute.ENGINE_OPERATION_GRAPH, graph.descriptor())
                    .setLongs(Attribute.ENGINE_GLOBAL_INDEX, choice.engineIndex())
                    .finish();
            BackendDescriptor[] knobs = new BackendDescriptor[choice.knobs().size()];
            for (int i = 0; i < knobs.length; i++) {
                EngineChoice.Knob k = choice.knobs().get(i);
                knobs[i] = scope.create(DescriptorType.KNOB_CHOICE)
                        .setEnum(Attribute.KNOB_CHOICE_KNOB_TYPE, k.type())
                        .setLongs(Attribute.KNOB_CHOICE_KNOB_VALUE, k.value())
                        .finish();
            }
            BackendDescriptor config = scope.create(DescriptorType.ENGINECFG).setDescriptors(Attribute.ENGINECFG_ENGINE, engine);
            if (knobs.length > 0) config.setDescriptors(Attribute.ENGINECFG_KNOB_CHOICES, knobs);
            config.finish();
            BackendDescriptor plan = scope.create(DescriptorType.EXECUTION_PLAN)
                    .setAddresses(Attribute.EXECUTION_PLAN_HANDLE, handle.address())
                    .setDescriptors(Attribute.EXECUTION_PLAN_ENGINE_CONFIG, config)
                    .finish();
            return new ExecutionPlan(scope, plan, choice);
        } catch (RuntimeException e) {
            scope.close();
            throw e;
        }
    }

    public EngineChoice choice() {
        return choice;
    }

    public long workspaceBytes() {
        return workspaceBytes;
    }

    /** cudnnBackendExecute on the handle's stream; returns cuDNN's status for the caller to check and label. */
    public int execute(MemorySegment handle, VariantPack pack) {
        return cudnn_h.cudnnBackendExecute(handle, plan.handle(), pack.descriptor().handle());
    }

    @Override
    public void close() {
        scope.close();
    }
}
