package dev.jdnn.networks.graph.run;

import dev.jdnn.networks.graph.nodes.Alias;
import dev.jdnn.networks.graph.nodes.Graph;
import dev.jdnn.networks.graph.nodes.Node;
import dev.jdnn.networks.graph.nodes.NodeContext;
import dev.jdnn.networks.graph.plan.BufferPlan;

import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.Value;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.CrossEntropyPlan;

import java.util.ArrayList;
import java.util.List;

/**
 * One graph bound to memory and ready to run: every node's {@link NodeContext} points into the shared arena at the
 * offsets the {@link dev.jdnn.networks.graph.plan.MemoryPlanner} chose. Runs forward in order, then the loss and the backward in reverse order.
 *
 * <p>With {@code poison} set (a debug mode for tests) every planned buffer is filled with NaN when its lifetime
 * starts and again when it ends, so any overlap the plan got wrong, or any read outside a lifetime, shows up as NaN
 * in the results.
 */
public final class ExecutionPlan {
    private final BufferPlan plan;
    private final Graph graph;
    private final Backend backend;
    private final boolean poison;
    private final NodeExecution execution;
    private final Runnable beforeForward;
    private final Tensor[] buffers;
    private final Tensor[] values;
    private final Tensor[] grads;
    private final NodeContext[] contexts;
    private final List<List<Tensor>> startAt = new ArrayList<>(), endAt = new ArrayList<>();

    /**
     * {@code arena}: one tensor whose bytes hold every planned buffer, each at its offset in its own dtype and format;
     * {@code execution}: how each node call is run ({@link NodeExecution#DIRECT}, or with per-node instrumentation);
     * {@code beforeForward}: device work issued before the first node of every forward (a half-precision compile's
     * weight copies, refreshed from the master weights), recorded with it.
     */
    public ExecutionPlan(BufferPlan plan, Backend backend, Tensor input, Tensor arena, long[] offsets, boolean poison,
                         NodeExecution execution, Runnable beforeForward) {
        this.plan = plan;
        this.graph = plan.graph;
        this.backend = backend;
        this.poison = poison;
        this.execution = execution;
        this.beforeForward = beforeForward;
        buffers = new Tensor[plan.buffers.size()];
        for (int t = 0; t < plan.timeline.steps(); t++) {
            startAt.add(new ArrayList<>());
            endAt.add(new ArrayList<>());
        }
        for (int i = 0; i < buffers.length; i++) {
            BufferPlan.Planned p = plan.buffers.get(i);
            buffers[i] = arena.viewAs(p.type().dtype(), p.shape(), p.strides(), offsets[i]);
            startAt.get(p.start()).add(buffers[i]);
            if (!p.output()) endAt.get(p.end()).add(buffers[i]);
        }
        values = new Tensor[graph.valueCount()];
        values[graph.input.id()] = input;
        grads = new Tensor[graph.valueCount()];
        contexts = new NodeContext[graph.nodes().size()];
        for (Node n : graph.nodes()) contexts[n.index()] = bind(n);
    }

    private Tensor value(int id) {
        if (values[id] == null) {
            Alias a = graph.aliasOf(id);
            values[id] = a != null ? a.view().apply(value(a.parent())) : buffers[plan.valueBuffer[id]];
        }
        return values[id];
    }

    private Tensor grad(int id) {
        if (grads[id] == null) {
            Alias a = graph.gradientAliasOf(id);
            if (a != null) grads[id] = a.view().apply(grad(a.parent()));
            else if (plan.gradBuffer[id] >= 0) grads[id] = buffers[plan.gradBuffer[id]];
            else throw new IllegalStateException("no gradient buffer planned for " + graph.value(id) + " (bug in the graph planner)");
        }
        return grads[id];
    }

    private NodeContext bind(Node n) {
        int k = n.index();
        List<Parameter> params = n.parameters();
        NodeContext c = new NodeContext(backend, n.inputs.length, params.size());
        for (int i = 0; i < n.inputs.length; i++) c.in[i] = value(n.inputs[i]);
        c.out = value(n.output.id());
        c.aux = new Tensor[plan.auxBuffer[k].length];
        for (int j = 0; j < c.aux.length; j++) c.aux[j] = plan.auxBuffer[k][j] < 0 ? null : buffers[plan.auxBuffer[k][j]];
        if (!plan.flow.runsBackward(n)) return c;
        c.dOut = grad(n.output.id());
        for (int i = 0; i < n.inputs.length; i++) {
            if (plan.writesGrad[k][i]) c.dIn[i] = grad(n.inputs[i]);
            c.dInBeta[i] = plan.gradBeta[k][i];
            if (plan.tempBuffer[k][i] >= 0) c.dInTemp[i] = buffers[plan.tempBuffer[k][i]];
        }
        for (int j = 0; j < params.size(); j++) {
            c.paramGrad[j] = params.get(j).trainable() ? params.get(j).grad() : null;
            c.paramBeta[j] = plan.paramBeta[k][j];
        }
        return c;
    }

    public Graph graph() {
        return graph;
    }

    /** The tensor bound to a value (package-private, for tests). */
    public Tensor valueTensor(int id) {
        return value(id);
    }

    public boolean runsBackward(Node n) {
        return plan.flow.runsBackward(n);
    }

    /** The main output's tensor (valid until the next run). */
    public Tensor output() {
        return value(graph.output.id());
    }

    /**
     * Why this plan's work cannot be recorded for replay — the first node that says so, named — or null when it can.
     * The plan itself only issues fills (zeroing, poisoning) besides the nodes' work, and those are replayable.
     */
    public String notCapturable() {
        for (Node n : graph.nodes()) {
            String reason = n.notCapturable();
            if (reason != null) return n + " " + reason;
        }
        return null;
    }

    /** Runs every node's forward in order. */
    public Tensor forward() {
        beforeForward.run();
        for (Node n : graph.nodes()) {
            NodeContext c = contexts[n.index()];
            step(plan.timeline.forward(n.index()), n, "forward", () -> execution.run(n, NodeExecution.Phase.FORWARD, c, () -> n.forward(c)));
        }
        return output();
    }

    /**
     * Loss on each output (gradient scale 1 for the main one, its weight for each auxiliary one) written into
     * {@code losses[j]}, then the backward in reverse order. Call after {@link #forward()}. {@code lossScale}: the
     * state of a dynamic loss scaler ({@link dev.jdnn.ops.LossScaling}) for a plan made with float32 loss gradients
     * (float16 training), whose gradients are multiplied by its scale on their way into the output gradients; else null.
     */
    public void lossAndBackward(Tensor labels, List<CrossEntropyPlan> lossPlans, Tensor[] losses, Tensor lossScale) {
        List<Value> outputs = graph.outputs();
        step(plan.timeline.loss(), null, "loss", () -> {
            for (int j = 0; j < outputs.size(); j++) {
                int id = outputs.get(j).id();
                float scale = j == 0 ? 1f : graph.auxOutputs().get(j - 1).weight();
                Tensor d = plan.flow.hasGrad(id) ? grad(id) : null;
                if (d == null || plan.lossScratch[j] < 0) {
                    lossPlans.get(j).forwardBackward(value(id), labels, losses[j], scale, plan.lossBeta[j], d);
                    continue;
                }
                Tensor unscaled = buffers[plan.lossScratch[j]];
                lossPlans.get(j).forwardBackward(value(id), labels, losses[j], scale, 0f, unscaled);
                if (plan.lossBeta[j] == 0f) {
                    backend.lossScale(unscaled, lossScale, d);
                } else {
                    backend.lossScale(unscaled, lossScale, unscaled);
                    backend.addScaled(1f, unscaled, 1f, d);
                }
            }
        });
        for (int k = graph.nodes().size() - 1; k >= 0; k--) {
            Node n = graph.nodes().get(k);
            int t = plan.timeline.backward(k);
            NodeContext c = contexts[n.index()];
            if (plan.flow.runsBackward(n)) step(t, n, "backward", () -> execution.run(n, NodeExecution.Phase.BACKWARD, c, () -> n.backward(c)));
            else step(t, n, "backward", () -> {});
        }
    }

    private void step(int t, Node n, String phase, Runnable body) {
        if (poison) for (Tensor b : startAt.get(t)) backend.fill(b, Float.NaN);
        for (int b : plan.zeroFillAt.get(t)) backend.fill(buffers[b], 0f);
        try {
            body.run();
        } catch (RuntimeException e) {
            throw new IllegalStateException((n == null ? "loss" : n.toString()) + ": " + phase + " failed: " + e.getMessage(), e);
        }
        if (poison) for (Tensor b : endAt.get(t)) backend.fill(b, Float.NaN);
    }
}
