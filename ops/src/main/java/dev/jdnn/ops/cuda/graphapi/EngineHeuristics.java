package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.cudnn.cudnn_h;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** cuDNN's engine heuristics for an operation graph, answered as {@link EngineCandidate}s. */
public final class EngineHeuristics {
    private EngineHeuristics() {}

    /**
     * The configurations heuristics {@code mode} offers for {@code graph}, best first. cuDNN returns them as engine
     * configuration descriptors; each is read (engine index, knobs, notes, workspace) and destroyed here. A
     * configuration cuDNN cannot describe is left out. Without a device cuDNN finalises the query but offers nothing.
     */
    public static List<EngineCandidate> query(OperationGraph graph, HeuristicsMode mode) {
        try (DescriptorScope scope = new DescriptorScope()) {
            BackendDescriptor heur = scope.create(DescriptorType.ENGINEHEUR)
                    .setDescriptors(Attribute.ENGINEHEUR_OPERATION_GRAPH, graph.descriptor())
                    .setEnum(Attribute.ENGINEHEUR_MODE, mode.value)
                    .finish();
            int count = heur.count(Attribute.ENGINEHEUR_RESULTS);
            if (count == 0) return List.of();
            List<EngineCandidate> out = new ArrayList<>();
            for (BackendDescriptor config : heur.getDescriptors(Attribute.ENGINEHEUR_RESULTS, DescriptorType.ENGINECFG, count, scope)) {
                try {
                    out.add(describe(config, scope));
                } catch (CudaException unreadable) {
                    // a result cuDNN cannot describe is one it could not build a plan from either
                }
            }
            return out;
        }
    }

    private static EngineCandidate describe(BackendDescriptor config, DescriptorScope scope) {
        BackendDescriptor engine = config.getDescriptors(Attribute.ENGINECFG_ENGINE, DescriptorType.ENGINE, 1, scope).getFirst();
        long index = engine.getLong(Attribute.ENGINE_GLOBAL_INDEX);
        Set<NumericalNote> notes = EnumSet.noneOf(NumericalNote.class);
        for (int n : engine.getEnums(Attribute.ENGINE_NUMERICAL_NOTE, 16)) notes.add(NumericalNote.of(n));
        boolean runtimeCompiled = false;
        for (int b : engine.getEnums(Attribute.ENGINE_BEHAVIOR_NOTE, 16)) runtimeCompiled |= b == cudnn_h.CUDNN_BEHAVIOR_NOTE_RUNTIME_COMPILATION();
        List<EngineChoice.Knob> knobs = new ArrayList<>();
        int knobCount = config.count(Attribute.ENGINECFG_KNOB_CHOICES);
        if (knobCount > 0) {
            for (BackendDescriptor k : config.getDescriptors(Attribute.ENGINECFG_KNOB_CHOICES, DescriptorType.KNOB_CHOICE, knobCount, scope)) {
                knobs.add(new EngineChoice.Knob(k.getEnums(Attribute.KNOB_CHOICE_KNOB_TYPE, 1)[0], k.getLong(Attribute.KNOB_CHOICE_KNOB_VALUE)));
            }
        }
        long workspace;
        try {
            workspace = config.getLong(Attribute.ENGINECFG_WORKSPACE_SIZE);
        } catch (CudaException olderCudnn) {
            workspace = -1;
        }
        return new EngineCandidate(new EngineChoice(index, knobs), notes, runtimeCompiled, workspace);
    }
}
