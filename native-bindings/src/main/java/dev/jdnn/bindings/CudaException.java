package dev.jdnn.bindings;

import dev.jdnn.bindings.loader.Library;

/**
 * A CUDA, cuDNN, cuBLAS or NVRTC call returned a failure status. The message names the function, the numeric
 * status and the library's own description of it (and, for NVRTC compilation, the compiler log).
 */
public final class CudaException extends RuntimeException {
    private final Library library;
    private final String function;
    private final int status;

    public CudaException(Library library, String function, int status, String description) {
        super(format(library, function, status, description));
        this.library = library;
        this.function = function;
        this.status = status;
    }

    /** "cudnnConvolutionForward failed: cuDNN status 3 (CUDNN_STATUS_BAD_PARAM)". */
    public static String format(Library library, String function, int status, String description) {
        return function + " failed: " + library.displayName() + " status " + status + " (" + description + ")";
    }

    public Library library() {
        return library;
    }

    public String function() {
        return function;
    }

    public int status() {
        return status;
    }
}
