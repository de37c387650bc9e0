package dev.jdnn.networks.graph.plan;

/**
 * Step numbering of one run of a graph with F nodes: forward of node k at step k, the loss at step F, backward of
 * node k at step 2F - k (reverse order). Lifetimes are inclusive step ranges on this line.
 */
public record Timeline(int nodes, boolean withBackward) {
    public int forward(int k) {
        return k;
    }

    public int loss() {
        return nodes;
    }

    public int backward(int k) {
        return 2 * nodes - k;
    }

    public int steps() {
        return withBackward ? 2 * nodes + 1 : nodes;
    }

    /** The last step of a forward-only run (where the evaluation graph's output must still be alive). */
    public int lastForward() {
        return Math.max(0, nodes - 1);
    }
}
