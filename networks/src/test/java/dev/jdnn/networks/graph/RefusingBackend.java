package dev.jdnn.networks.graph;

import dev.jdnn.ops.Backend;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;
import dev.jdnn.ops.cpu.CpuBackend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * The CPU backend, except that {@code fuse} answers "not fused" for the given patterns, as a CUDA backend does where
 * cuDNN offers no engine: for testing the graph layer's per-node fallback.
 */
final class RefusingBackend {
    static final String REASON = "test backend: no engine for this pattern";

    private RefusingBackend() {}

    /** {@code patterns}: {@link FusedSpec#pattern()} names to refuse. */
    static Backend refusing(Set<String> patterns) {
        Backend cpu = new CpuBackend();
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, (proxy, m, args) -> {
            if (m.getName().equals("fuse") && patterns.contains(((FusedSpec<?>) args[0]).pattern())) {
                return Fusion.unfused((FusedSpec<?>) args[0], Fusion.Reason.NO_ENGINE, REASON);
            }
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }
}
