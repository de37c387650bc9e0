package dev.jdnn.ops.cuda;

/** The NVRTC kernel sources shipped as resources under {@code dev/jdnn/ops/cuda/kernels/}. */
public enum KernelFile {
    ACTIVATIONS("activations.cu"),
    DROPOUT("dropout.cu"),
    LOSS("loss.cu"),
    LRN("lrn.cu"),
    OPTIMIZERS("optimizers.cu"),
    POINTWISE("pointwise.cu"),
    POOLING("pooling.cu");

    /** Prepended to every source: typedefs, index helpers and block reductions. */
    static final String COMMON = "common.cuh";

    private final String fileName;

    KernelFile(String fileName) {
        this.fileName = fileName;
    }

    public String fileName() {
        return fileName;
    }
}
