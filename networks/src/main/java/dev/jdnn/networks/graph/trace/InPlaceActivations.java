package dev.jdnn.networks.graph.trace;

import dev.jdnn.networks.graph.nodes.ActivationNode;
import dev.jdnn.networks.graph.nodes.Alias;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;

import dev.jdnn.networks.Value;

import java.util.List;

/**
 * Lets ReLU-like activations overwrite their input (saving one activation buffer per conv-BN-ReLU), where that is
 * legal: the activation is the input's only reader, the input is a plain buffer (not the graph input, an output, a
 * view, or a concat whose parts live inside it), and its producer's backward does not need its own output (BN and
 * conv read their inputs; pooling and activations read their outputs, so those are excluded). The activation's
 * backward then reads y in place of x, which gives the same derivative for ReLU, ReLU6 and non-negative-slope leaky
 * ReLU (y > 0 exactly when x > 0; y in (0, 6) exactly when x is). Gradients stay in separate buffers.
 */
final class InPlaceActivations {
    private InPlaceActivations() {}

    static void apply(Graph g) {
        List<List<Node>> consumers = g.consumers();
        boolean[] isOutput = new boolean[g.valueCount()];
        for (Value v : g.outputs()) isOutput[v.id()] = true;
        for (Node n : g.nodes()) {
            if (!(n instanceof ActivationNode a) || !a.derivativeFromOutput()) continue;
            int x = n.inputs[0], y = n.output.id();
            Node producer = g.producer(x);
            boolean legal = producer != null && !producer.readsOutputInBackward() && consumers.get(x).size() == 1
                    && !isOutput[x] && g.aliasOf(x) == null && !g.hasAliasChildren(x) && g.aliasOf(y) == null;
            if (legal) g.storageAlias(y, Alias.whole(x));
        }
    }
}
