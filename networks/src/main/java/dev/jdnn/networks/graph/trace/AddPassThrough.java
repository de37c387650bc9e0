package dev.jdnn.networks.graph.trace;

import dev.jdnn.networks.graph.nodes.AddNode;
import dev.jdnn.networks.graph.nodes.Alias;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;

import dev.jdnn.networks.Value;

import java.util.List;

/**
 * The gradient of each operand of a + b is the sum's gradient itself. When an operand has no other reader (the
 * residual branch of a ResNet block), its gradient is made an alias of the sum's gradient: no copy, no buffer.
 * An operand with other readers (the identity shortcut, also read by the block's first conv) still gets the
 * gradient added in.
 */
final class AddPassThrough {
    private AddPassThrough() {}

    static void apply(Graph g) {
        List<List<Node>> consumers = g.consumers();
        boolean[] isOutput = new boolean[g.valueCount()];
        for (Value v : g.outputs()) isOutput[v.id()] = true;
        for (Node n : g.nodes()) {
            if (!(n instanceof AddNode) || n.inputs[0] == n.inputs[1]) continue;
            for (int operand : n.inputs) {
                boolean alone = g.producer(operand) != null && consumers.get(operand).size() == 1 && !isOutput[operand]
                        && g.gradientAliasOf(operand) == null;
                if (alone) g.gradientAlias(operand, Alias.whole(n.output.id()));
            }
        }
    }
}
