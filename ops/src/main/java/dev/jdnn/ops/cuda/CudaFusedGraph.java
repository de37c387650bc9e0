package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Tensor;
import dev.jdnn.memory.cuda.CudaEvent;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cuda.graphapi.EngineCandidate;
import dev.jdnn.ops.cuda.graphapi.EngineChoice;
import dev.jdnn.ops.cuda.graphapi.EngineHeuristics;
import dev.jdnn.ops.cuda.graphapi.ExecutionPlan;
import dev.jdnn.ops.cuda.graphapi.GraphTensor;
import dev.jdnn.ops.cuda.graphapi.HeuristicsMode;
import dev.jdnn.ops.cuda.graphapi.OperationGraph;
import dev.jdnn.ops.cuda.graphapi.VariantPack;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One fused pattern on the device: its cuDNN operation graph, the execution plan of the engine configuration chosen
 * for it ({@link EngineChooser}), and a variant pack per set of pointers it was called with (a static graph passes the
 * same pointers every step — one set per node, since the graph shares a plan among the nodes with an equal spec — so
 * after the first step no descriptor is built on the per-step path). The fused CUDA plans
 * (CudaConvBiasActivation, ...) check their operands and call {@link #run}.
 */
final class CudaFusedGraph implements AutoCloseable {
    /** Configurations timed at most per graph when autotuning (runtime-compiled ones take seconds to build). */
    static final int MAX_TIMED = 8;
    /** Variant packs kept per plan: one per node sharing it (more than any model of the zoo repeats a shape). */
    static final int MAX_PACKS = 64;

    private final CudaContext ctx;
    private final String label;
    private final OperationGraph graph;
    private final ExecutionPlan plan;
    private final String implementation;
    private final long[] operandUids;
    private final Map<Long, Long> fixed;
    /** Variant packs by their pointers (operands, then the workspace), least recently used first. */
    private final Map<List<Long>, VariantPack> packs = new LinkedHashMap<>(16, 0.75f, true);

    private CudaFusedGraph(CudaContext ctx, String label, OperationGraph graph, ExecutionPlan plan, String implementation, long[] operandUids, Map<Long, Long> fixed) {
        this.ctx = ctx;
        this.label = label;
        this.graph = graph;
        this.plan = plan;
        this.implementation = implementation;
        this.operandUids = operandUids;
        this.fixed = fixed;
    }

    /**
     * The settings a fused graph's engine is chosen under: the workspace limit of the moment (the options'
     * {@link WorkspaceLimit}); in deterministic mode only engines without cuDNN's NONDETERMINISTIC note, taken by the
     * heuristics' rank rather than timed (as convolutions, see {@link CudaBackend.Options#deterministic()}).
     */
    static EngineChooser.Policy policy(CudaContext ctx) {
        return policy(ctx.options, ctx.workspaceLimit());
    }

    /** {@link #policy(CudaContext)} for given options and a workspace limit in bytes (the limit of the moment). */
    static EngineChooser.Policy policy(CudaBackend.Options options, long workspaceLimitBytes) {
        return new EngineChooser.Policy(options.strictFp32(), options.deterministic(), workspaceLimitBytes, options.timesConvolutions(), MAX_TIMED);
    }

    /**
     * Builds {@code spec}'s graph and chooses its engine configuration, then wraps it in the pattern's plan; or says why
     * it cannot be fused. {@code operandUids} are the uids the plan binds on each call, in the order it passes their
     * addresses to {@link #run}; {@code fixed} maps the others (plan-owned constants, host scalars passed by value) to
     * their addresses. Together they must be exactly the graph's bound tensors.
     */
    static <P extends FusedPlan> Fusion<P> fuse(CudaContext ctx, FusedSpec<P> spec, Function<MemorySegment, OperationGraph> graphOf,
                                                long[] operandUids, Map<Long, Long> fixed, Function<CudaFusedGraph, P> planOf) {
        OperationGraph graph;
        try {
            graph = graphOf.apply(ctx.cudnn);
        } catch (CudaException e) {
            return Fusion.unfused(spec, Fusion.Reason.GRAPH_REJECTED, "cuDNN " + cudnn_h.cudnnGetVersion() + " rejects the operation graph: " + e.getMessage());
        }
        CudaFusedGraph fused = null;
        try {
            checkBindings(spec, graph, operandUids, fixed.keySet());
            EngineChooser.Policy policy = policy(ctx);
            EngineChooser.Outcome<ExecutionPlan> outcome;
            try (DeviceEngines engines = new DeviceEngines(ctx, graph, fixed)) {
                outcome = EngineChooser.choose(engines, spec.dtype(), policy, ctx.fusedEngines,
                        FusedEngineStore.FusedKey.of(spec, policy.strictFp32(), policy.deterministic(), ctx.options.workspaceLimit().key()));
            }
            switch (outcome) {
                case EngineChooser.Outcome.Refused<ExecutionPlan> r -> {
                    graph.close();
                    ctx.workspace.settle(); // timing may have grown it
                    return Fusion.unfused(spec, r.reason(), r.detail());
                }
                case EngineChooser.Outcome.Chosen<ExecutionPlan> c -> {
                    String implementation = "cuDNN graph " + graph.summary() + ", " + c.choice().format() + ", workspace "
                            + c.plan().workspaceBytes() + " bytes; " + c.how();
                    fused = new CudaFusedGraph(ctx, spec.describe(), graph, c.plan(), implementation, operandUids.clone(), Map.copyOf(fixed));
                    ctx.workspace.require(fused, c.plan().workspaceBytes());
                    ctx.workspace.settle();
                    return Fusion.fused(spec, planOf.apply(fused));
                }
            }
        } catch (RuntimeException | Error e) {
            if (fused != null) fused.close(); else graph.close();
            throw e;
        }
    }

    /** Throws unless the plan's operand uids and its fixed ones are exactly the graph's bound tensors. */
    static void checkBindings(FusedSpec<?> spec, OperationGraph graph, long[] operandUids, Set<Long> fixed) {
        Set<Long> bound = new TreeSet<>(), given = new TreeSet<>(fixed);
        for (GraphTensor t : graph.boundTensors()) bound.add(t.uid());
        for (long uid : operandUids) given.add(uid);
        if (!bound.equals(given) || given.size() != operandUids.length + fixed.size()) {
            throw new IllegalStateException(spec.pattern() + ": the graph binds uids " + bound + ", the plan passes " + Arrays.toString(operandUids) + " and " + fixed);
        }
    }

    long workspaceBytes() {
        return plan.workspaceBytes();
    }

    String implementation() {
        return implementation;
    }

    /**
     * Runs the plan on the stream with the operands' addresses (in the order of the plan's operand uids), in the
     * backend's shared workspace.
     */
    void run(long[] addresses) {
        if (addresses.length != operandUids.length) throw new IllegalArgumentException(label + ": " + addresses.length + " addresses for " + operandUids.length + " operands");
        ctx.ensureContext();
        long workspace = ctx.workspace.address(plan.workspaceBytes(), label);
        List<Long> key = new ArrayList<>(addresses.length + 1);
        for (long a : addresses) key.add(a);
        key.add(workspace);
        VariantPack pack = packs.get(key);
        if (pack == null) {
            pack = variantPack(operandUids, addresses, fixed, workspace);
            packs.put(key, pack);
            if (packs.size() > MAX_PACKS) { // cuDNN reads a pack only while enqueuing: an old one may go
                var eldest = packs.entrySet().iterator();
                eldest.next().getValue().close();
                eldest.remove();
            }
        }
        ctx.cudnn("cudnnBackendExecute (" + label + ")", plan.execute(ctx.cudnn, pack));
    }

    private static VariantPack variantPack(long[] operandUids, long[] addresses, Map<Long, Long> fixed, long workspace) {
        long[] uids = Arrays.copyOf(operandUids, operandUids.length + fixed.size());
        long[] pointers = Arrays.copyOf(addresses, addresses.length + fixed.size());
        int i = operandUids.length;
        for (Map.Entry<Long, Long> e : fixed.entrySet()) {
            uids[i] = e.getKey();
            pointers[i++] = e.getValue();
        }
        return new VariantPack(uids, pointers, workspace);
    }

    @Override
    public void close() {
        ctx.workspace.release(this);
        for (VariantPack p : packs.values()) p.close();
        packs.clear();
        plan.close();
        graph.close();
    }

    /**
     * The chooser's view of the device: the heuristics, execution plans on the backend's handle, and timing with CUDA
     * events on scratch operands (zero-filled device buffers for the graph's operands, allocated at the first timing
     * and freed on close).
     */
    private static final class DeviceEngines implements EngineChooser.Engines<ExecutionPlan>, AutoCloseable {
        private static final int RUNS = 3;
        private final CudaContext ctx;
        private final OperationGraph graph;
        private final Map<Long, Long> fixed;
        private final List<Tensor> scratch = new ArrayList<>();
        private long[] uids, addresses;
        private CudaEvent start, stop;

        DeviceEngines(CudaContext ctx, OperationGraph graph, Map<Long, Long> fixed) {
            this.ctx = ctx;
            this.graph = graph;
            this.fixed = fixed;
        }

        @Override public List<EngineCandidate> offered(HeuristicsMode mode) { return EngineHeuristics.query(graph, mode); }
        @Override public ExecutionPlan build(EngineChoice choice) { return ExecutionPlan.build(graph, choice, ctx.cudnn); }
        @Override public long workspaceBytes(ExecutionPlan plan) { return plan.workspaceBytes(); }
        @Override public void discard(ExecutionPlan plan) { plan.close(); }

        @Override
        public double millis(ExecutionPlan plan) {
            bindScratch();
            ctx.workspace.grow(plan.workspaceBytes()); // settled back once the engine is chosen
            long ws = ctx.workspace.address(plan.workspaceBytes(), "fused graph timing");
            try (VariantPack pack = new VariantPack(uids, addresses, ws)) {
                ctx.cudnn("cudnnBackendExecute (timing " + plan.choice().format() + ")", plan.execute(ctx.cudnn, pack)); // warm-up
                start.record(ctx.cudaStream);
                for (int i = 0; i < RUNS; i++) ctx.cudnn("cudnnBackendExecute (timing " + plan.choice().format() + ")", plan.execute(ctx.cudnn, pack));
                stop.record(ctx.cudaStream);
                return CudaEvent.elapsedMillis(start, stop) / RUNS;
            }
        }

        private void bindScratch() {
            if (uids != null) return;
            List<GraphTensor> bound = graph.boundTensors();
            uids = new long[bound.size()];
            addresses = new long[bound.size()];
            for (int i = 0; i < uids.length; i++) {
                GraphTensor t = bound.get(i);
                uids[i] = t.uid();
                Long known = fixed.get(t.uid());
                if (known != null) {
                    addresses[i] = known;
                } else {
                    Tensor buffer = ctx.scratch(t.bytes());
                    scratch.add(buffer);
                    ctx.cudart("cudaMemsetAsync (fused graph timing operand)", cudart_h.cudaMemsetAsync(Cudnn.ptr(buffer), 0, t.bytes(), ctx.stream));
                    addresses[i] = buffer.address();
                }
            }
            start = CudaEvent.create();
            stop = CudaEvent.create();
        }

        @Override
        public void close() {
            if (start != null) start.close();
            if (stop != null) stop.close();
            for (Tensor t : scratch) t.close();
        }
    }
}
