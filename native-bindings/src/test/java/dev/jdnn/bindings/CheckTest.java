package dev.jdnn.bindings;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;

import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.bindings.nvrtc.nvrtc_h;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CheckTest {

    @Test
    void successIsSilent() {
        assertDoesNotThrow(() -> {
            Check.cudnn(0, "cudnnCreate");
            Check.cublas(0, "cublasCreate_v2");
            Check.cudart(0, "cudaMalloc");
            Check.driver(0, "cuInit");
            Check.nvrtc(0, "nvrtcVersion");
        });
    }

    @Test
    void messageFormatNamesFunctionLibraryStatusAndDescription() {
        assertEquals("cudnnConvolutionForward failed: cuDNN status 2000 (CUDNN_STATUS_BAD_PARAM: bad)",
                CudaException.format(Library.CUDNN, "cudnnConvolutionForward", 2000, "CUDNN_STATUS_BAD_PARAM: bad"));
    }

    @Test
    void cudnnFailureUsesCudnnsOwnErrorString() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDNN), "cuDNN not installed here");
        int badParam = cudnn_h.CUDNN_STATUS_BAD_PARAM();
        CudaException e = assertThrows(CudaException.class, () -> Check.cudnn(badParam, "cudnnSetTensor4dDescriptor"));
        assertEquals(badParam, e.status());
        assertEquals(Library.CUDNN, e.library());
        assertTrue(e.getMessage().startsWith("cudnnSetTensor4dDescriptor failed: cuDNN status " + badParam + " (CUDNN_STATUS_BAD_PARAM"), e.getMessage());
    }

    @Test
    void cublasFailureUsesStatusNameAndString() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUBLAS), "cuBLAS not installed here");
        int status = cublas_h.CUBLAS_STATUS_INVALID_VALUE();
        CudaException e = assertThrows(CudaException.class, () -> Check.cublas(status, "cublasSgemm_v2"));
        assertTrue(e.getMessage().contains("CUBLAS_STATUS_INVALID_VALUE"), e.getMessage());
        assertTrue(e.getMessage().contains("cublasSgemm_v2"), e.getMessage());
    }

    @Test
    void cudartFailureUsesErrorNameAndString() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDART), "CUDA runtime not installed here");
        int status = cudart_h.cudaErrorMemoryAllocation();
        CudaException e = assertThrows(CudaException.class, () -> Check.cudart(status, "cudaMallocAsync"));
        assertTrue(e.getMessage().contains("cudaErrorMemoryAllocation: out of memory"), e.getMessage());
    }

    @Test
    void nvrtcFailureUsesItsErrorString() {
        assumeTrue(NativeLibraries.isAvailable(Library.NVRTC), "NVRTC not installed here");
        int status = nvrtc_h.NVRTC_ERROR_INVALID_INPUT();
        CudaException e = assertThrows(CudaException.class, () -> Check.nvrtc(status, "nvrtcCreateProgram"));
        assertTrue(e.getMessage().contains("NVRTC_ERROR_INVALID_INPUT"), e.getMessage());
    }

    @Test
    void descriptionOfAnUnavailableLibraryDoesNotHideTheFailure() {
        assumeTrue(NativeLibraries.find(Library.CUDA_DRIVER).isEmpty(), "the CUDA driver is installed here");
        CudaException e = assertThrows(CudaException.class, () -> Check.driver(100, "cuDeviceGet"));
        assertTrue(e.getMessage().startsWith("cuDeviceGet failed: CUDA driver status 100 (no description available: CUDA driver library not found"), e.getMessage());
    }
}
