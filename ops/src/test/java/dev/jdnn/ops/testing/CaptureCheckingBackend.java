package dev.jdnn.ops.testing;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.Recording;
import dev.jdnn.ops.cpu.CpuBackend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A test stand-in for a backend that records work for replay, as CUDA graphs do, around a {@link CpuBackend}.
 *
 * <p>{@code capture(work)} runs {@code work} with every op suppressed — nothing executes, as in a CUDA stream
 * capture — and logs each op (backend op or plan call) with its arguments. While capturing, upload, download,
 * synchronize, allocate/zeros, plan creation and closing throw: on CUDA they would fail the capture or
 * act once at capture time instead of at each replay. {@code replay()} runs {@code work} again with the ops live and
 * checks, op by op, that it issues exactly the logged ops with equal arguments (tensors by address, shape, strides
 * and dtype; scalars and specs by value). A CUDA graph replays what it captured, so any divergence — a host scalar
 * that changes per step, another buffer, another op — would be silently stale there; here it fails.
 *
 * <p>Fused plans ({@code fuse}) are wrapped like the other plans.
 *
 * <p>Random streams: the CPU dropout plan advances its call counter inside the (suppressed or live) plan call, so a
 * capture draws nothing and each replay draws once, like the CUDA plan's counter advancing in device memory.
 */
public final class CaptureCheckingBackend {
    private static final Set<String> PLAN_FACTORIES = Set.of("conv2d", "linear", "batchNorm", "pool", "activation", "lrn", "dropout", "softmax", "crossEntropy");
    private static final Set<String> HOST_OR_SYNC = Set.of("upload", "uploadInts", "download", "synchronize", "allocate", "zeros", "close", "capture");

    /** One logged op: its name (plan calls as "Conv2dPlan.forward") and its arguments as values. */
    public record Op(String name, List<Object> args) {}

    /** A tensor argument as a replay must see it again. */
    public record TensorArg(long address, Shape shape, List<Long> strides, DType dtype) {}

    private final Backend target = new CpuBackend();
    private final Backend backend;
    private List<Op> capturing; // non-null while capturing
    private List<Op> replaying; // non-null while replaying
    private int replayed;       // ops of the current replay checked so far
    private String failCaptures;
    private int captureAttempts, captures, replays, closedRecordings;

    public CaptureCheckingBackend() {
        backend = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, this::backendCall);
    }

    /** The backend to compile models on. */
    public Backend backend() {
        return backend;
    }

    /** Makes every later capture throw with this message (a capture failure as CUDA might report one). */
    public void failCaptures(String message) {
        this.failCaptures = message;
    }

    public int captureAttempts() { return captureAttempts; }
    public int captures() { return captures; }
    public int replays() { return replays; }
    public int openRecordings() { return captures - closedRecordings; }

    private Object backendCall(Object proxy, Method m, Object[] args) throws Throwable {
        String name = m.getName();
        return switch (name) {
            case "supportsCapture" -> true;
            case "capture" -> {
                checkHostWork(name);
                yield capture((Runnable) args[0]);
            }
            case "fuse" -> {
                checkHostWork(name);
                yield wrapFusion((FusedSpec<?>) args[0], (Fusion<?>) call(target, m, args));
            }
            case "toString" -> "CaptureCheckingBackend(" + target + ")";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> {
                if (HOST_OR_SYNC.contains(name) || PLAN_FACTORIES.contains(name)) {
                    checkHostWork(name);
                    Object result = call(target, m, args);
                    yield PLAN_FACTORIES.contains(name) ? wrapPlan(m.getReturnType(), result) : result;
                }
                yield m.getReturnType() == void.class ? op(name, target, m, args) : call(target, m, args);
            }
        };
    }

    private Object wrapPlan(Class<?> type, Object plan) {
        String prefix = type.getSimpleName() + ".";
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, m, args) -> switch (m.getName()) {
            case "close" -> {
                checkHostWork(prefix + "close");
                yield call(plan, m, args);
            }
            case "toString" -> "checked " + plan;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> m.getReturnType() == void.class ? op(prefix + m.getName(), plan, m, args) : call(plan, m, args);
        });
    }

    /** A fused plan is a plan like the others: its calls are logged and checked, its creation is host work. */
    private <P extends FusedPlan> Fusion<P> wrapFusion(FusedSpec<P> spec, Fusion<?> fusion) {
        if (!(fusion instanceof Fusion.Fused<?> fused)) return castUnfused(fusion);
        return Fusion.fused(spec, spec.planType().cast(wrapPlan(spec.planType(), fused.plan())));
    }

    @SuppressWarnings("unchecked")
    private static <P extends FusedPlan> Fusion<P> castUnfused(Fusion<?> unfused) {
        return (Fusion<P>) unfused;
    }

    private void checkHostWork(String name) {
        if (capturing != null) throw new IllegalStateException(name + " called while capturing: a recording may only issue asynchronous ops on existing tensors and plans");
        if (replaying != null) throw new IllegalStateException(name + " called while replaying: the capture did not issue it");
    }

    private Object op(String name, Object on, Method m, Object[] args) throws Throwable {
        Op o = new Op(name, values(args));
        if (capturing != null) {
            capturing.add(o);
            return null;
        }
        if (replaying != null) {
            Op expected = replayed < replaying.size() ? replaying.get(replayed) : null;
            if (!o.equals(expected)) {
                throw new IllegalStateException("replay diverged from its capture at op " + replayed + ": captured " + expected + ", replay issued " + o);
            }
            replayed++;
        }
        return call(on, m, args);
    }

    private static List<Object> values(Object[] args) {
        if (args == null) return List.of();
        List<Object> out = new ArrayList<>();
        for (Object a : args) {
            out.add(a instanceof Tensor t ? new TensorArg(t.address(), t.shape(), Arrays.stream(t.strides()).boxed().toList(), t.dtype()) : a);
        }
        return out;
    }

    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private Recording capture(Runnable work) {
        captureAttempts++;
        if (failCaptures != null) throw new IllegalStateException(failCaptures);
        List<Op> log = new ArrayList<>();
        capturing = log;
        try {
            work.run();
        } finally {
            capturing = null;
        }
        captures++;
        return new Recording() {
            private boolean closed;

            @Override
            public void replay() {
                if (closed) throw new IllegalStateException("replay of a closed recording");
                replaying = log;
                replayed = 0;
                try {
                    work.run();
                    if (replayed != log.size()) throw new IllegalStateException("replay issued " + replayed + " of the " + log.size() + " captured ops");
                } finally {
                    replaying = null;
                }
                replays++;
            }

            @Override
            public void close() {
                if (closed) return;
                closed = true;
                closedRecordings++;
            }
        };
    }
}
