package dev.jdnn.networks.graph;

/**
 * Step numbering of one run of a graph with F nodes: forward of node k at step k, the loss at step F, backward of
 * node k at step 2F - k (reverse order). Lifetimes are inclusive step ranges on this line.
 */
record Timeline(int nodes, boolean withBackward) {
    int forward(int k) {
        return k;
    }

    int loss() {
        return nodes;
    }

    int backward(int k) {
        return 2 * nodes - k;
    }

    int steps() {
        return withBackward ? 2 * nodes + 1 : nodes;
    }

    /** The last step of a forward-only run (where the evaluation graph's output must still be alive). */
    int lastForward() {
        return Math.max(0, nodes - 1);
    }
}
