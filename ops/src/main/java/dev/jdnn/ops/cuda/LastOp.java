package dev.jdnn.ops.cuda;

/**
 * The label of the most recently issued asynchronous operation. CUDA reports kernel faults at the next synchronising
 * call, far from their cause; this label is what the resulting exception names as the likely culprit.
 */
final class LastOp {
    private volatile String label = "(nothing issued yet)";

    void set(String label) {
        this.label = label;
    }

    String get() {
        return label;
    }
}
