package dev.jdnn.benchmarks.cpu;

/** JVM options every forked benchmark JVM needs: the incubating Vector API and FFM downcalls. */
final class JvmArgs {
    static final String ADD_VECTOR = "--add-modules=jdk.incubator.vector";
    static final String NATIVE = "--enable-native-access=ALL-UNNAMED";

    private JvmArgs() {}
}
