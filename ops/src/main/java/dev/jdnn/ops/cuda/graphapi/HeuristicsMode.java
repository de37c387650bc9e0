package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.cudnn.cudnn_h;

/** Engine heuristics modes ({@code cudnnBackendHeurMode_t}) jdnn asks, in this order. */
public enum HeuristicsMode {
    /** cuDNN's decision tree ranked by expected speed (preferred to INSTANT). */
    A(cudnn_h.CUDNN_HEUR_MODE_A()),
    /** Engines that work, without a speed ranking: what is left when mode A offers nothing. */
    FALLBACK(cudnn_h.CUDNN_HEUR_MODE_FALLBACK());

    final int value;

    HeuristicsMode(int value) {
        this.value = value;
    }
}
