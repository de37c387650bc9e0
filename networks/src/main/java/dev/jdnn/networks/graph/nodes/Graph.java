package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.OperandType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One traced graph (training or evaluation): its values, nodes in execution (= trace, hence topological) order,
 * storage aliases, the input and the outputs, and how each value is stored ({@link #type}): the compile's activation
 * format and dtype ({@link #activations}), except where a node says otherwise (the model input, float32 NCHW; a
 * flatten's copy into NCHW order).
 */
public final class Graph {
    /** A classifier output whose loss is added with {@code weight} in training (GoogLeNet's auxiliary heads). */
    public record AuxOutput(Value logits, float weight) {}

    public final boolean training;
    /** The format and dtype of the activations and their gradients (rank-2 values: the dtype, rows as NCHW). */
    public final OperandType activations;
    private final Map<Integer, OperandType> types = new HashMap<>(); // values stored otherwise than the rule of type()
    private final List<Value> values = new ArrayList<>();
    private final List<Node> producers = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Integer, Alias> aliases = new HashMap<>();         // forward storage
    private final Map<Integer, Alias> gradientAliases = new HashMap<>(); // gradient storage
    private final List<AuxOutput> auxOutputs = new ArrayList<>();
    private final List<FusionGroup> fusionGroups = new ArrayList<>();
    private int tracePositions; // nodes so far that take a trace position (Node#takesTracePosition)
    public final Value input;
    public Value output;

    public Graph(boolean training, Shape inputShape) {
        this(training, inputShape, OperandType.DEFAULT);
    }

    /** The model input is float32 NCHW whatever {@code activations} says (host batches are uploaded as they come). */
    public Graph(boolean training, Shape inputShape, OperandType activations) {
        this.training = training;
        this.activations = activations;
        this.input = newValue(inputShape);
        setType(input, OperandType.DEFAULT);
    }

    /**
     * How value {@code id} is stored: as {@link #setType} said, else in the {@link #activations} format and dtype
     * (values that are not rank 4 — a linear layer's [N, F] — have no format: NCHW row-major, the activations' dtype).
     */
    public OperandType type(int id) {
        OperandType t = types.get(id);
        if (t != null) return t;
        return value(id).shape().rank() == 4 ? activations : OperandType.of(MemoryFormat.NCHW, activations.dtype());
    }

    /** Stores {@code v} as {@code type} instead of the activations' type (a node that converts, or the input). */
    public void setType(Value v, OperandType type) {
        types.put(v.id(), type);
    }

    public Value newValue(Shape shape) {
        Value v = new Value(values.size(), shape);
        values.add(v);
        producers.add(null);
        return v;
    }

    public boolean owns(Value v) {
        return v != null && v.id() >= 0 && v.id() < values.size() && values.get(v.id()) == v;
    }

    public Value value(int id) {
        return values.get(id);
    }

    public int valueCount() {
        return values.size();
    }

    public <N extends Node> N add(N node) {
        node.setIndex(nodes.size());
        node.setTracePosition(tracePositions);
        if (node.takesTracePosition()) tracePositions++;
        nodes.add(node);
        producers.set(node.output.id(), node);
        return node;
    }

    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** The node producing value {@code id}, or null for the graph input. */
    public Node producer(int id) {
        return producers.get(id);
    }

    /** A zero-copy view: the value and its gradient both live inside the parent's. */
    public void view(int value, Alias alias) {
        aliases.put(value, alias);
        gradientAliases.put(value, alias);
    }

    /** Only the forward storage is shared (an in-place op); gradients stay separate. */
    public void storageAlias(int value, Alias alias) {
        aliases.put(value, alias);
    }

    /** Only the gradient is shared (it is, element for element, the parent's gradient). */
    public void gradientAlias(int value, Alias alias) {
        gradientAliases.put(value, alias);
    }

    public Alias aliasOf(int value) {
        return aliases.get(value);
    }

    /** The value whose storage ultimately holds {@code id}. */
    public int root(int id) {
        Alias a;
        while ((a = aliases.get(id)) != null) id = a.parent();
        return id;
    }

    /** True when some other value is stored inside {@code id}'s storage. */
    public boolean hasAliasChildren(int id) {
        for (Alias a : aliases.values()) if (a.parent() == id) return true;
        return false;
    }

    /** The alias of {@code id}'s gradient (views, residual pass-through), or null. */
    public Alias gradientAliasOf(int id) {
        return gradientAliases.get(id);
    }

    /** The value whose gradient storage ultimately holds {@code id}'s gradient. */
    public int gradientRoot(int id) {
        Alias a;
        while ((a = gradientAliasOf(id)) != null) id = a.parent();
        return id;
    }

    /** True when {@code id}'s gradient spans all of its gradient root (so a beta=0 write defines the whole root). */
    public boolean gradientCoversRoot(int id) {
        Alias a;
        while ((a = gradientAliasOf(id)) != null) {
            if (!a.coversParent()) return false;
            id = a.parent();
        }
        return true;
    }

    /** True when {@code id}'s storage is the contiguous layout of its shape (no partial channel slice on the way). */
    public boolean isContiguous(int id) {
        Alias a;
        while ((a = aliases.get(id)) != null) {
            if (!a.coversParent()) return false;
            id = a.parent();
        }
        return true;
    }

    public void addAuxOutput(Value logits, float weight) {
        auxOutputs.add(new AuxOutput(logits, weight));
    }

    public List<AuxOutput> auxOutputs() {
        return Collections.unmodifiableList(auxOutputs);
    }

    /** Values the loss (training) or the caller (evaluation) reads: the main output and the auxiliary outputs. */
    public List<Value> outputs() {
        List<Value> out = new ArrayList<>();
        out.add(output);
        auxOutputs.forEach(a -> out.add(a.logits()));
        return out;
    }

    /** Drops nodes whose outputs reach no graph output (e.g. an auxiliary head traced into the evaluation graph). */
    public void pruneDeadNodes() {
        boolean[] live = new boolean[values.size()];
        outputs().forEach(v -> live[v.id()] = true);
        List<Node> kept = new ArrayList<>();
        for (int k = nodes.size() - 1; k >= 0; k--) {
            Node n = nodes.get(k);
            if (!live[n.output.id()]) continue;
            kept.add(n);
            for (int in : n.inputs) live[in] = true;
        }
        Collections.reverse(kept);
        nodes.clear();
        tracePositions = 0;
        for (Node n : kept) {
            n.setIndex(nodes.size());
            n.setTracePosition(tracePositions);
            if (n.takesTracePosition()) tracePositions++;
            nodes.add(n);
        }
    }

    /**
     * A fusion rewrite: {@code fused} takes the place of {@code group} (nodes of this graph, in execution order),
     * at the position of its first node. {@code fused} reads the group's inputs from outside it and produces the
     * group's last output; values produced and read only inside the group disappear from the program (no node
     * produces them, so nothing plans them). Keeps every other node's {@link Node#tracePosition()}.
     */
    public void replace(List<Node> group, Node fused) {
        int at = nodes.indexOf(group.getFirst());
        if (at < 0 || !nodes.containsAll(group)) throw new IllegalArgumentException("replace: " + group + " are not all nodes of this graph");
        for (Node n : group) producers.set(n.output.id(), null);
        nodes.removeAll(group);
        nodes.add(at, fused);
        fused.setTracePosition(group.getFirst().tracePosition());
        producers.set(fused.output.id(), fused);
        for (int i = 0; i < nodes.size(); i++) nodes.get(i).setIndex(i);
    }

    /** What the fusion rewrite decided for each candidate group of this graph, in graph order (empty without fusion). */
    public List<FusionGroup> fusionGroups() {
        return Collections.unmodifiableList(fusionGroups);
    }

    public void addFusionGroup(FusionGroup group) {
        fusionGroups.add(group);
    }

    /** For every value, the nodes reading it (a node appears once per input slot it uses the value in). */
    public List<List<Node>> consumers() {
        List<List<Node>> out = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) out.add(new ArrayList<>());
        for (Node n : nodes) for (int in : n.inputs) out.get(in).add(n);
        return out;
    }
}
