package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.ActivationPlan;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.BatchNormPlan;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.CrossEntropyPlan;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.DropoutSpec;
import dev.jdnn.ops.OperandType;
import dev.jdnn.memory.DType;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.LrnPlan;
import dev.jdnn.ops.LrnSpec;
import dev.jdnn.ops.PoolPlan;
import dev.jdnn.ops.PoolSpec;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Creates backend plans, sharing one plan among all nodes (of both graphs) with an equal spec, so the training and
 * evaluation graphs and repeated blocks pay for algorithm selection once (fused patterns too: {@link #fuse}). Closes
 * them all at the end.
 */
public final class PlanCache implements AutoCloseable {
    private final Backend backend;
    private final long seed;
    private final Map<Object, AutoCloseable> plans = new HashMap<>();
    private final List<AutoCloseable> unshared = new ArrayList<>();
    private final Map<FusedSpec<?>, Fusion<?>> fusions = new HashMap<>();

    public PlanCache(Backend backend, long seed) {
        this.backend = backend;
        this.seed = seed;
    }

    public Backend backend() {
        return backend;
    }

    @SuppressWarnings("unchecked")
    private <P extends AutoCloseable> P cached(Object key, Supplier<P> create) {
        return (P) plans.computeIfAbsent(key, k -> create.get());
    }

    public Conv2dPlan conv(Conv2dSpec spec) {
        return cached(spec, () -> backend.conv2d(spec));
    }

    public LinearPlan linear(LinearSpec spec) {
        return cached(spec, () -> backend.linear(spec));
    }

    public BatchNormPlan batchNorm(BatchNormSpec spec) {
        return cached(spec, () -> backend.batchNorm(spec));
    }

    public PoolPlan pool(PoolSpec spec) {
        return cached(spec, () -> backend.pool(spec));
    }

    public ActivationPlan activation(Activation kind, float param, Shape shape, OperandType type) {
        return cached(List.of("activation", kind, param, shape, type), () -> backend.activation(kind, param, shape, type));
    }

    public LrnPlan lrn(LrnSpec spec) {
        return cached(spec, () -> backend.lrn(spec));
    }

    /** For logits stored as {@code logitsDtype}. */
    public CrossEntropyPlan crossEntropy(int batch, int classes, float labelSmoothing, DType logitsDtype) {
        return cached(List.of("crossEntropy", batch, classes, labelSmoothing, logitsDtype),
                () -> backend.crossEntropy(batch, classes, labelSmoothing, logitsDtype));
    }

    /**
     * The backend's answer for a fused pattern ({@link Backend#fuse}), asked once per spec: the graph's fusion
     * rewrite decides with it, at compile time, which nodes run fused. Fused plans are closed with the cache.
     */
    public <P extends FusedPlan> Fusion<P> fuse(FusedSpec<P> spec) {
        @SuppressWarnings("unchecked")
        Fusion<P> answer = (Fusion<P>) fusions.computeIfAbsent(spec, k -> backend.fuse(spec));
        return answer;
    }

    /** Dropout plans carry their own random stream, so each node gets its own, seeded from the model seed. */
    public DropoutPlan dropout(Shape shape, float p, OperandType type, int nodeIndex) {
        DropoutPlan plan = backend.dropout(new DropoutSpec(shape, p, streamSeed(nodeIndex), type));
        unshared.add(plan);
        return plan;
    }

    /** A per-node seed derived from the compile seed (for host-side random streams too). */
    public long streamSeed(int nodeIndex) {
        return seed * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L * (nodeIndex + 1);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        List<AutoCloseable> all = new ArrayList<>(plans.values());
        all.addAll(unshared);
        for (Fusion<?> f : fusions.values()) if (f instanceof Fusion.Fused<?> fused) all.add(fused.plan());
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) first = new RuntimeException("closing a backend plan failed", e);
                else first.addSuppressed(e);
            }
        }
        plans.clear();
        unshared.clear();
        fusions.clear();
        if (first != null) throw first;
    }
}
