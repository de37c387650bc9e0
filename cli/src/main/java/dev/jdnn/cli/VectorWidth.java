package dev.jdnn.cli;

/** The Vector API's preferred float width, or why the Vector API is not usable in this JVM. */
final class VectorWidth {
    private VectorWidth() {
    }

    static String describe() {
        // Touching FloatVector without the incubator module resolved would throw NoClassDefFoundError.
        String missing = dev.jdnn.ops.cpu.CpuBackend.unavailableReason();
        return missing != null ? "Vector API not enabled: " + missing : Preferred.describe();
    }

    /** Separate class so it is only loaded once the module is known to be present. */
    private static final class Preferred {
        static String describe() {
            var species = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED;
            return "preferred float species " + species.vectorBitSize() + " bits (" + species.length() + " floats)";
        }
    }
}
