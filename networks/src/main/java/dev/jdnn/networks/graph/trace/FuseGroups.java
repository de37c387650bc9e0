package dev.jdnn.networks.graph.trace;

import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.networks.graph.nodes.ActivationNode;
import dev.jdnn.networks.graph.nodes.BatchNormNode;
import dev.jdnn.networks.graph.nodes.ConvBatchNormNode;
import dev.jdnn.networks.graph.nodes.ConvBiasActivationNode;
import dev.jdnn.networks.graph.nodes.ConvNode;
import dev.jdnn.networks.graph.nodes.FusionGroup;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.nodes.PlanCache;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.BnBackwardPlan;
import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.BnFinalizePlan;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.ConvBiasActivationPlan;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.ConvStatsPlan;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.DgradDreluPlan;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.Fusion;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The fusion rewrite: every convolution followed by a batch norm and/or a ReLU is a candidate group. Where the graph
 * allows it (the group's intermediate values have no other reader, its operands are densely packed and 16-byte
 * aligned) and the backend fuses every plan the group needs ({@link PlanCache#fuse}), the group becomes one fused node;
 * otherwise its nodes stay as they are. Either way the decision and its reason go on the graph
 * ({@link Graph#fusionGroups()}). Decided once, at compile time.
 *
 * <ul>
 *   <li>Evaluation graph: conv [+ batch norm, folded] [+ ReLU] becomes a {@link ConvBiasActivationNode}. A batch norm
 *       is folded only where rewriting the weights every forward costs less than the output passes it saves (weights
 *       no more numerous than the output's elements).</li>
 *   <li>Training graph: conv + batch norm (batch statistics) [+ ReLU] becomes a {@link ConvBatchNormNode} when both
 *       conv-stats and bn-finalize fuse; its batch-norm backward uses bn-backward where that fuses. Then, where such a
 *       node's ReLU output is read only by another such node, the reader's backward-data applies the ReLU's derivative
 *       (dgrad-drelu) where that fuses.</li>
 * </ul>
 */
final class FuseGroups {
    /** Fused plans are built for operands aligned to this many bytes (cuDNN's graph tensors). */
    static final long ALIGNMENT = 16;

    private final Graph g;
    private final PlanCache plans;
    private List<List<Node>> consumers;
    private boolean[] isOutput;

    private FuseGroups(Graph g, PlanCache plans) {
        this.g = g;
        this.plans = plans;
        readers();
    }

    static void apply(Graph g, PlanCache plans) {
        FuseGroups f = new FuseGroups(g, plans);
        if (g.training) {
            for (Node n : List.copyOf(g.nodes())) if (n instanceof ConvNode conv) f.training(conv);
            f.readers();
            for (Node n : List.copyOf(g.nodes())) if (n instanceof ConvBatchNormNode reader) f.dgradDrelu(reader);
        } else {
            for (Node n : List.copyOf(g.nodes())) if (n instanceof ConvNode conv) f.evaluation(conv);
        }
    }

    private void readers() {
        consumers = g.consumers();
        isOutput = new boolean[g.valueCount()];
        for (Value v : g.outputs()) isOutput[v.id()] = true;
    }

    /** The one node reading {@code value}, or null (several readers, none, or a graph output). */
    private Node soleReader(Value value) {
        List<Node> readers = consumers.get(value.id());
        return readers.size() == 1 && !isOutput[value.id()] ? readers.getFirst() : null;
    }

    private static ActivationNode asRelu(Node n) {
        return n instanceof ActivationNode a && a.activation() == Activation.RELU ? a : null;
    }

    // ---- evaluation graph -----------------------------------------------------------------------------------------

    private void evaluation(ConvNode conv) {
        Node next = soleReader(conv.output);
        BatchNormNode bn = next instanceof BatchNormNode b && !b.batchStats() ? b : null;
        Node afterBn = bn != null ? soleReader(bn.output) : next;
        ActivationNode relu = asRelu(afterBn);
        if (bn == null && relu == null) return; // a convolution alone: nothing to fuse
        List<String> notes = new ArrayList<>();
        if (bn != null && relu == null) {
            String left = leftOut(bn, "conv-bias-activation applies a ReLU only");
            if (left != null) notes.add(left);
        }
        if (relu != null && !g.isContiguous(relu.output.id())) {
            notes.add(relu.path + "'s ReLU stays separate: it writes into a concat slice");
            relu = null;
        }
        List<Node> group = group(conv, bn, relu);
        String pattern = ConvBiasActivationSpec.of(conv.spec(), Activation.IDENTITY).pattern();
        if (bn == null && relu == null) {
            unfused(group, pattern, notes.getFirst() + ", which leaves nothing to fuse");
            return;
        }
        Value out = group.getLast().output;
        String why = operands(conv, bn, out);
        long weights = conv.weight.numel(), outputs = out.shape().numel();
        if (why == null && bn != null && weights > outputs) {
            why = "folding the batch norm would rewrite %,d weights every forward to save passes over %,d outputs".formatted(weights, outputs);
        }
        if (why != null) {
            unfused(group, pattern, why);
            return;
        }
        Activation act = relu != null ? Activation.RELU : Activation.IDENTITY;
        Fusion<ConvBiasActivationPlan> f = plans.fuse(ConvBiasActivationSpec.of(withBias(conv.spec(), conv.bias != null || bn != null), act));
        if (!f.isFused()) {
            unfused(group, pattern, f.describe());
            return;
        }
        g.replace(group, new ConvBiasActivationNode(conv, bn, act, out, f.plan()));
        fused(group, pattern, f.describe(), notes);
    }

    /** What follows {@code bn}, when it is not a ReLU that can join the group, for the status. */
    private String leftOut(Node bn, String because) {
        List<Node> readers = consumers.get(bn.output.id());
        if (readers.size() == 1 && readers.getFirst() instanceof ActivationNode a && !isOutput[bn.output.id()]) {
            return a.path + "'s " + a.activation().name().toLowerCase(Locale.ROOT) + " stays separate (" + because + ")";
        }
        if (readers.size() > 1 && readers.stream().anyMatch(r -> asRelu(r) != null)) {
            return "the ReLU stays separate: the batch norm's output has " + readers.size() + " readers";
        }
        return null;
    }

    private static Conv2dSpec withBias(Conv2dSpec s, boolean bias) {
        return new Conv2dSpec(s.batch(), s.inChannels(), s.height(), s.width(), s.outChannels(), s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.groups(), bias);
    }

    // ---- training graph -------------------------------------------------------------------------------------------

    private void training(ConvNode conv) {
        if (!(soleReader(conv.output) instanceof BatchNormNode bn)) return; // the training patterns start with conv + batch norm
        String pattern = "conv-stats + bn-finalize";
        ActivationNode relu = asRelu(soleReader(bn.output));
        List<String> notes = new ArrayList<>();
        if (relu != null && !g.isContiguous(relu.output.id())) {
            notes.add(relu.path + "'s ReLU stays separate: it writes into a concat slice");
            relu = null;
        }
        if (relu == null) {
            String left = leftOut(bn, "only a ReLU joins the batch norm's apply");
            if (left != null) notes.add(left);
        }
        List<Node> group = group(conv, bn, relu);
        Value out = group.getLast().output;
        String why = !bn.batchStats() ? "the batch norm is frozen (it uses its running statistics in the training graph)"
                : conv.bias != null ? "the convolution has a bias (conv-stats takes none: the batch norm absorbs it)"
                : operands(conv, bn, out);
        if (why != null) {
            unfused(group, pattern, why);
            return;
        }
        Fusion<ConvStatsPlan> stats = plans.fuse(ConvStatsSpec.of(conv.spec(), false));
        Fusion<BnFinalizePlan> finalizer = plans.fuse(BnFinalizeSpec.of(bn.spec()));
        if (!stats.isFused() || !finalizer.isFused()) {
            List<String> reasons = new ArrayList<>();
            if (!stats.isFused()) reasons.add("conv-stats " + stats.describe());
            if (!finalizer.isFused()) reasons.add("bn-finalize " + finalizer.describe());
            unfused(group, pattern, String.join("; ", reasons));
            return;
        }
        Fusion<BnBackwardPlan> backward = plans.fuse(BnBackwardSpec.of(bn.spec()));
        g.replace(group, new ConvBatchNormNode(conv, bn, relu, out, stats.plan(), finalizer.plan(), backward.isFused() ? backward.plan() : null));
        fused(group, pattern, "conv-stats " + stats.describe() + "; bn-finalize " + finalizer.describe(), notes);
        g.addFusionGroup(new FusionGroup(true, "bn-backward", List.of(bn.path), backward.isFused(),
                backward.isFused() ? backward.describe() : backward.describe() + "; the batch norm's unfused backward runs"));
    }

    /** {@code reader}'s backward-data applies the derivative of the ReLU that produced its input, where that fuses. */
    private void dgradDrelu(ConvBatchNormNode reader) {
        Value x = g.value(reader.inputs[0]);
        if (!(g.producer(x.id()) instanceof ConvBatchNormNode producer) || !producer.endsWithRelu()) return;
        List<String> paths = List.of(producer.path + " (relu)", reader.path);
        DgradDreluSpec spec = DgradDreluSpec.of(reader.conv().spec(), false);
        int readers = consumers.get(x.id()).size();
        if (readers != 1 || isOutput[x.id()]) {
            g.addFusionGroup(new FusionGroup(true, spec.pattern(), paths, false, "the ReLU's output has " + readers + " readers"
                    + (isOutput[x.id()] ? " and is a graph output" : "") + ": its derivative applies to the sum of their gradients"));
            return;
        }
        Fusion<DgradDreluPlan> f = plans.fuse(spec);
        if (f.isFused()) {
            reader.applyInputReluDerivative(f.plan());
            producer.letConsumerApplyReluDerivative();
        }
        g.addFusionGroup(new FusionGroup(true, spec.pattern(), paths, f.isFused(), f.isFused() ? f.describe() : f.describe() + "; the ReLU's backward runs"));
    }

    // ---- shared rules ---------------------------------------------------------------------------------------------

    private static List<Node> group(ConvNode conv, BatchNormNode bn, ActivationNode relu) {
        List<Node> group = new ArrayList<>(List.of(conv));
        if (bn != null) group.add(bn);
        if (relu != null) group.add(relu);
        return group;
    }

    /** Why the group's operands do not suit a fused plan (float32 NCHW, densely packed, 16-byte aligned), or null when they do. */
    private String operands(ConvNode conv, BatchNormNode bn, Value out) {
        if (!conv.spec().operands().isDefault()) {
            return "the graph fuses float32 NCHW compiles only (this compile stores activations as " + conv.spec().operands().describe() + ")";
        }
        if (!g.isContiguous(conv.inputs[0])) return "its input is a channel slice of another tensor (fused plans need densely packed operands)";
        if (!g.isContiguous(out.id())) return "its output is a channel slice of a concat (fused plans need densely packed operands)";
        List<Parameter> params = new ArrayList<>(conv.parameters());
        if (bn != null) params.addAll(List.of(bn.gamma(), bn.beta(), bn.runningMean(), bn.runningVar()));
        for (Parameter p : params) {
            if (p.value().address() % ALIGNMENT != 0) {
                String owner = conv.parameters().contains(p) ? conv.path : bn.path;
                return owner + "." + p.localName() + " is not " + ALIGNMENT + "-byte aligned in the parameter buffer (fused plans need aligned operands)";
            }
        }
        return null;
    }

    private void unfused(List<Node> group, String pattern, String why) {
        g.addFusionGroup(new FusionGroup(g.training, pattern, paths(group), false, why));
    }

    private void fused(List<Node> group, String pattern, String how, List<String> notes) {
        List<String> detail = new ArrayList<>(List.of(how));
        detail.addAll(notes);
        g.addFusionGroup(new FusionGroup(g.training, pattern, paths(group), true, String.join("; ", detail)));
    }

    private static List<String> paths(List<Node> group) {
        return group.stream().map(n -> n.path.isEmpty() ? "<root>" : n.path).toList();
    }
}
