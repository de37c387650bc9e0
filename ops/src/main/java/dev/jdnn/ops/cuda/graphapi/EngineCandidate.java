package dev.jdnn.ops.cuda.graphapi;

import java.util.Set;

/**
 * One configuration the engine heuristics offered, reduced to what choosing among them needs.
 *
 * @param choice          the configuration's identity
 * @param notes           its numerical notes
 * @param runtimeCompiled built with NVRTC when finalised (the first plan takes seconds; later ones hit cuDNN's cache)
 * @param workspaceBytes  the workspace the configuration reports, or -1 where this cuDNN does not say before a plan is built
 */
public record EngineCandidate(EngineChoice choice, Set<NumericalNote> notes, boolean runtimeCompiled, long workspaceBytes) {
    public EngineCandidate {
        notes = Set.copyOf(notes);
    }
}
