package dev.jdnn.networks.graph.trace;

import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.networks.graph.nodes.Alias;
import dev.jdnn.networks.graph.nodes.ConcatNode;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;

import dev.jdnn.networks.Value;

import java.util.List;

/**
 * Decides which concat parts are written in place: a part whose producer is an ordinary op (it can write into a
 * batch-strided channel slice), which the concat is the only reader of, and which is not a graph output. Such a
 * part becomes an alias of its slice of the concat output, so no copy happens forward or backward. Only in NCHW: a
 * channel slice of an NHWC concat output is pixel-strided, which cuDNN's NHWC kernels are not known to accept (see
 * {@link GraphTracer#narrowChannels}), so NHWC parts are copied by the concat.
 */
final class InPlaceConcat {
    private InPlaceConcat() {}

    static void apply(Graph g) {
        List<List<Node>> consumers = g.consumers();
        boolean[] isOutput = new boolean[g.valueCount()];
        for (Value v : g.outputs()) isOutput[v.id()] = true;
        for (Node n : g.nodes()) {
            if (!(n instanceof ConcatNode concat) || g.type(n.output.id()).format() == MemoryFormat.NHWC) continue;
            for (int i = 0; i < n.inputs.length; i++) {
                int part = n.inputs[i];
                Node producer = g.producer(part);
                boolean eligible = producer != null && producer.canWriteStridedOutput() && g.aliasOf(part) == null
                        && !isOutput[part] && consumers.get(part).size() == 1;
                if (!eligible) continue;
                int offset = concat.offset(i), length = g.value(part).shape().dim(1);
                g.view(part, new Alias(n.output.id(), t -> t.narrow(1, offset, length), false));
                concat.markInPlace(i);
            }
        }
    }
}
