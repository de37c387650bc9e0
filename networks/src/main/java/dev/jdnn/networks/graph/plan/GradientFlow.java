package dev.jdnn.networks.graph.plan;

import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;

import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;

/**
 * Which gradients a graph's backward computes. A value <em>requires</em> a gradient when a trainable parameter is
 * upstream of it; it <em>has</em> one when it also reaches a loss. A node runs its backward only when its output has
 * a gradient and it has something to compute: a trainable parameter or an input that requires a gradient. So with a
 * frozen backbone and a trainable head the backward stops at the head.
 */
public final class GradientFlow {
    private final boolean[] requiresGrad;
    private final boolean[] hasGrad;
    private final boolean[][] contributes;
    private final boolean[] runsBackward;

    private GradientFlow(Graph g, boolean withBackward) {
        int nodes = g.nodes().size();
        requiresGrad = new boolean[g.valueCount()];
        hasGrad = new boolean[g.valueCount()];
        contributes = new boolean[nodes][];
        runsBackward = new boolean[nodes];
        for (Node n : g.nodes()) {
            boolean r = n.parameters().stream().anyMatch(Parameter::trainable);
            for (int in : n.inputs) r |= requiresGrad[in];
            requiresGrad[n.output.id()] = r && withBackward;
        }
        for (Value out : g.outputs()) hasGrad[out.id()] = requiresGrad[out.id()];
        for (int k = nodes - 1; k >= 0; k--) {
            Node n = g.nodes().get(k);
            contributes[k] = new boolean[n.inputs.length];
            if (!hasGrad[n.output.id()]) continue;
            boolean work = n.parameters().stream().anyMatch(Parameter::trainable);
            for (int i = 0; i < n.inputs.length; i++) {
                if (requiresGrad[n.inputs[i]]) {
                    contributes[k][i] = true;
                    hasGrad[n.inputs[i]] = true;
                    work = true;
                }
            }
            runsBackward[k] = work;
        }
    }

    public static GradientFlow training(Graph g) {
        return new GradientFlow(g, true);
    }

    public static GradientFlow inferenceOnly(Graph g) {
        return new GradientFlow(g, false);
    }

    public boolean hasGrad(int value) {
        return hasGrad[value];
    }

    /** True when node n's backward must produce (or pass through) a gradient for its input slot i. */
    public boolean contributes(Node n, int i) {
        return contributes[n.index()][i];
    }

    public boolean runsBackward(Node n) {
        return runsBackward[n.index()];
    }

    public boolean anyBackward() {
        for (boolean b : runsBackward) if (b) return true;
        return false;
    }
}
