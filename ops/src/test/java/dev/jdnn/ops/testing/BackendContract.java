package dev.jdnn.ops.testing;

import dev.jdnn.ops.Backend;

/**
 * Base of the backend-independent op test suites ({@code *Contract}): the CPU backend's test classes extend them
 * with {@code backend()} returning a CpuBackend, and a GPU backend's tests can extend the same classes, so every
 * backend is held to the same float64 references and finite-difference gradients.
 */
public abstract class BackendContract {
    /** The backend under test; may be shared across tests (the suites never close it). */
    protected abstract Backend backend();

    /**
     * Multiplies every numerical tolerance in the suite. The stated tolerances suit float32 kernels that accumulate
     * reductions in double; a backend with other (documented) accumulation may widen them here.
     */
    protected double toleranceScale() {
        return 1;
    }

    /** A stated tolerance, scaled for this backend. */
    protected final double tol(double tolerance) {
        return tolerance * toleranceScale();
    }
}
