package dev.jdnn.bindings.loader;

import java.util.List;

/**
 * The NVIDIA libraries jdnn binds, with the sonames accepted for each (newest first) and the companions that must be
 * loaded first by absolute path when they sit beside the library (they are found by soname otherwise, which fails
 * when the directory is not on the loader's path, e.g. inside a pip wheel).
 */
public enum Library {
    CUDART("CUDA runtime", "cudart", List.of(13, 12), 12, List.of()),
    CUDA_DRIVER("CUDA driver", "cuda", List.of(1), 1, List.of()),
    CUDNN("cuDNN", "cudnn", List.of(9), 9, List.of()),
    CUBLAS("cuBLAS", "cublas", List.of(13, 12), 12, List.of("libcublasLt.so.")),
    NVRTC("NVRTC", "nvrtc", List.of(13, 12), 12, List.of("libnvrtc-builtins.so."));

    private final String displayName;
    private final String baseName;
    private final List<Integer> majors;
    private final int minimumMajor;
    private final List<String> companionPrefixes;

    Library(String displayName, String baseName, List<Integer> majors, int minimumMajor, List<String> companionPrefixes) {
        this.displayName = displayName;
        this.baseName = baseName;
        this.majors = majors;
        this.minimumMajor = minimumMajor;
        this.companionPrefixes = companionPrefixes;
    }

    public String displayName() {
        return displayName;
    }

    /** The accepted file names, in order of preference, e.g. libcublas.so.13, libcublas.so.12. */
    public List<String> sonames() {
        return majors.stream().map(m -> "lib" + baseName + ".so." + m).toList();
    }

    /** The file-name prefix every version of this library shares, e.g. "libcudnn.so.". */
    public String sonamePrefix() {
        return "lib" + baseName + ".so.";
    }

    /** What a user must install, for messages, e.g. "libcudnn.so.9 (cuDNN 9)". */
    public String requirement() {
        return String.join(" or ", sonames()) + " (" + displayName + " >= major version " + minimumMajor + ")";
    }

    /** What to do about a missing library, for messages. */
    public String installHint() {
        if (this == CUDA_DRIVER) {
            return "libcuda.so.1 comes with the NVIDIA driver: install the driver (no GPU, no driver: jdnn runs on the CPU).";
        }
        return "Set JDNN_CUDA_PATH to the directory holding " + sonames().getFirst()
                + " (e.g. a pip wheel's site-packages/nvidia/<name>/lib), or install it (pip install nvidia-"
                + switch (this) {
                    case CUDNN -> "cudnn-cu13";
                    case CUBLAS -> "cublas";
                    case NVRTC -> "cuda-nvrtc";
                    default -> "cuda-runtime";
                } + ").";
    }

    /**
     * Whether several builds found are ranked newest first rather than by search order: cuDNN, whose builds are often
     * installed twice (a system package and a pip wheel beside PyTorch) and whose newer minor versions bring faster
     * and fixed kernels. The CUDA runtime, cuBLAS and NVRTC keep the search order.
     */
    public boolean prefersNewest() {
        return this == CUDNN;
    }

    public int minimumMajor() {
        return minimumMajor;
    }

    /** Prefixes of files that are loaded first by absolute path when found beside this library. */
    public List<String> companionPrefixes() {
        return companionPrefixes;
    }
}
