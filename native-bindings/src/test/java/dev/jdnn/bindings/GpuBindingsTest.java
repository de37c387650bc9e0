package dev.jdnn.bindings;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;

import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.bindings.cuda.cuda_h;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.bindings.cudnn.cudnnConvolutionFwdAlgoPerf_t;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.bindings.nvrtc.nvrtc_h;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The generated bindings driving a real GPU: an NVRTC kernel launched through the driver API, a cuBLAS SGEMM and a
 * cuDNN convolution, each checked against float64 reference code. Runs from the GPU bundle (ci/gpu-check.sh).
 */
@Tag("gpu")
class GpuBindingsTest {
    private Arena arena;

    @BeforeEach
    void requireGpu() {
        assumeTrue(NativeLibraries.isAvailable(Library.CUDART), "CUDA runtime not installed");
        MemorySegment count = Arena.global().allocate(JAVA_INT);
        int status = cudart_h.cudaGetDeviceCount(count);
        assumeTrue(status == 0 && count.get(JAVA_INT, 0) > 0, "no CUDA device (cudaGetDeviceCount status " + status + ")");
        Check.cudart(cudart_h.cudaSetDevice(0), "cudaSetDevice");
        Check.cudart(cudart_h.cudaFree(MemorySegment.NULL), "cudaFree"); // creates the primary context for the driver API
        arena = Arena.ofConfined();
    }

    @AfterEach
    void close() {
        if (arena != null) arena.close();
    }

    private MemorySegment pointer() {
        return arena.allocate(ADDRESS);
    }

    private MemorySegment toDevice(float[] values) {
        MemorySegment p = pointer();
        Check.cudart(cudart_h.cudaMalloc(p, values.length * 4L), "cudaMalloc");
        MemorySegment dev = p.get(ADDRESS, 0);
        Check.cudart(cudart_h.cudaMemcpy(dev, arena.allocateFrom(JAVA_FLOAT, values), values.length * 4L, cudart_h.cudaMemcpyHostToDevice()), "cudaMemcpy");
        return dev;
    }

    private float[] toHost(MemorySegment dev, int n) {
        MemorySegment host = arena.allocate(JAVA_FLOAT, n);
        Check.cudart(cudart_h.cudaMemcpy(host, dev, n * 4L, cudart_h.cudaMemcpyDeviceToHost()), "cudaMemcpy");
        Check.cudart(cudart_h.cudaFree(dev), "cudaFree");
        return host.toArray(JAVA_FLOAT);
    }

    private static int attribute(int attr) {
        return Out.intValue(p -> Check.cudart(cudart_h.cudaDeviceGetAttribute(p, attr, 0), "cudaDeviceGetAttribute"));
    }

    @Test
    void nvrtcKernelRunsThroughTheDriverApi() {
        int n = 1000;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = i * 0.5f - 7f;
        String arch = "sm_" + attribute(cudart_h.cudaDevAttrComputeCapabilityMajor()) + attribute(cudart_h.cudaDevAttrComputeCapabilityMinor());
        MemorySegment cubin = compileToCubin("extern \"C\" __global__ void axpb(float* x, float a, float b, int n) {\n"
                + "  int i = blockIdx.x * blockDim.x + threadIdx.x;\n  if (i < n) x[i] = a * x[i] + b;\n}\n", arch);

        MemorySegment module = pointer();
        Check.driver(cuda_h.cuModuleLoadData(module, cubin), "cuModuleLoadData");
        MemorySegment function = pointer();
        Check.driver(cuda_h.cuModuleGetFunction(function, module.get(ADDRESS, 0), arena.allocateFrom("axpb")), "cuModuleGetFunction");

        MemorySegment dx = toDevice(x);
        MemorySegment params = arena.allocate(ADDRESS, 4);
        params.setAtIndex(ADDRESS, 0, arena.allocateFrom(ADDRESS, dx));
        params.setAtIndex(ADDRESS, 1, arena.allocateFrom(JAVA_FLOAT, 3f));
        params.setAtIndex(ADDRESS, 2, arena.allocateFrom(JAVA_FLOAT, -1f));
        params.setAtIndex(ADDRESS, 3, arena.allocateFrom(JAVA_INT, n));
        Check.driver(cuda_h.cuLaunchKernel(function.get(ADDRESS, 0), (n + 255) / 256, 1, 1, 256, 1, 1, 0, MemorySegment.NULL, params, MemorySegment.NULL), "cuLaunchKernel");
        Check.cudart(cudart_h.cudaDeviceSynchronize(), "cudaDeviceSynchronize");
        float[] y = toHost(dx, n);
        Check.driver(cuda_h.cuModuleUnload(module.get(ADDRESS, 0)), "cuModuleUnload");

        for (int i = 0; i < n; i++) assertEquals(3.0 * x[i] - 1.0, y[i], 1e-5, "element " + i);
    }

    private MemorySegment compileToCubin(String source, String arch) {
        MemorySegment progOut = pointer();
        Check.nvrtc(nvrtc_h.nvrtcCreateProgram(progOut, arena.allocateFrom(source), arena.allocateFrom("k.cu"), 0, MemorySegment.NULL, MemorySegment.NULL), "nvrtcCreateProgram");
        MemorySegment program = progOut.get(ADDRESS, 0);
        MemorySegment opts = arena.allocate(ADDRESS, 1);
        opts.setAtIndex(ADDRESS, 0, arena.allocateFrom("--gpu-architecture=" + arch));
        Check.nvrtcCompile(nvrtc_h.nvrtcCompileProgram(program, 1, opts), program);
        MemorySegment size = arena.allocate(JAVA_LONG);
        Check.nvrtc(nvrtc_h.nvrtcGetCUBINSize(program, size), "nvrtcGetCUBINSize");
        MemorySegment cubin = arena.allocate(size.get(JAVA_LONG, 0), 8);
        Check.nvrtc(nvrtc_h.nvrtcGetCUBIN(program, cubin), "nvrtcGetCUBIN");
        Check.nvrtc(nvrtc_h.nvrtcDestroyProgram(progOut), "nvrtcDestroyProgram");
        return cubin;
    }

    @Test
    void cublasSgemmMatchesFloat64Reference() {
        // Column-major: A is m x k, B is k x n, C = A * B is m x n.
        int m = 3, k = 4, n = 2;
        float[] a = new float[m * k], b = new float[k * n];
        for (int i = 0; i < a.length; i++) a[i] = (i % 5) - 2f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 3) * 0.5f + 1f;
        MemorySegment handleOut = pointer();
        Check.cublas(cublas_h.cublasCreate_v2(handleOut), "cublasCreate_v2");
        MemorySegment handle = handleOut.get(ADDRESS, 0);
        MemorySegment da = toDevice(a), db = toDevice(b), dc = toDevice(new float[m * n]);
        Check.cublas(cublas_h.cublasSgemm_v2(handle, cublas_h.CUBLAS_OP_N(), cublas_h.CUBLAS_OP_N(), m, n, k,
                arena.allocateFrom(JAVA_FLOAT, 1f), da, m, db, k, arena.allocateFrom(JAVA_FLOAT, 0f), dc, m), "cublasSgemm_v2");
        float[] c = toHost(dc, m * n);
        Check.cudart(cudart_h.cudaFree(da), "cudaFree");
        Check.cudart(cudart_h.cudaFree(db), "cudaFree");
        Check.cublas(cublas_h.cublasDestroy_v2(handle), "cublasDestroy_v2");
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double ref = 0;
                for (int p = 0; p < k; p++) ref += (double) a[i + p * m] * b[p + j * k];
                assertEquals(ref, c[i + j * m], 1e-4, "C[" + i + "," + j + "]");
            }
        }
    }

    @Test
    void cudnnConvolutionWithHeuristicAlgorithmMatchesFloat64Reference() {
        int h = 5, w = 5, r = 3, s = 3, oh = h - r + 1, ow = w - s + 1;
        float[] x = new float[h * w], f = new float[r * s];
        for (int i = 0; i < x.length; i++) x[i] = (float) Math.sin(i);
        for (int i = 0; i < f.length; i++) f[i] = i - 4f;

        MemorySegment handleOut = pointer();
        Check.cudnn(cudnn_h.cudnnCreate(handleOut), "cudnnCreate");
        MemorySegment handle = handleOut.get(ADDRESS, 0);
        MemorySegment xDesc = tensor(1, 1, h, w), yDesc = tensor(1, 1, oh, ow);
        MemorySegment fOut = pointer();
        Check.cudnn(cudnn_h.cudnnCreateFilterDescriptor(fOut), "cudnnCreateFilterDescriptor");
        MemorySegment fDesc = fOut.get(ADDRESS, 0);
        Check.cudnn(cudnn_h.cudnnSetFilter4dDescriptor(fDesc, cudnn_h.CUDNN_DATA_FLOAT(), cudnn_h.CUDNN_TENSOR_NCHW(), 1, 1, r, s), "cudnnSetFilter4dDescriptor");
        MemorySegment cOut = pointer();
        Check.cudnn(cudnn_h.cudnnCreateConvolutionDescriptor(cOut), "cudnnCreateConvolutionDescriptor");
        MemorySegment conv = cOut.get(ADDRESS, 0);
        Check.cudnn(cudnn_h.cudnnSetConvolution2dDescriptor(conv, 0, 0, 1, 1, 1, 1, cudnn_h.CUDNN_CROSS_CORRELATION(), cudnn_h.CUDNN_DATA_FLOAT()), "cudnnSetConvolution2dDescriptor");

        MemorySegment dims = arena.allocate(JAVA_INT, 4);
        Check.cudnn(cudnn_h.cudnnGetConvolution2dForwardOutputDim(conv, xDesc, fDesc, dims, dims.asSlice(4), dims.asSlice(8), dims.asSlice(12)), "cudnnGetConvolution2dForwardOutputDim");
        assertArrayEquals(new int[]{1, 1, oh, ow}, dims.toArray(JAVA_INT));

        MemorySegment perf = cudnnConvolutionFwdAlgoPerf_t.allocateArray(8, arena);
        MemorySegment returned = arena.allocate(JAVA_INT);
        Check.cudnn(cudnn_h.cudnnGetConvolutionForwardAlgorithm_v7(handle, xDesc, fDesc, conv, yDesc, 8, returned, perf), "cudnnGetConvolutionForwardAlgorithm_v7");
        assertTrue(returned.get(JAVA_INT, 0) > 0);
        int algo = cudnnConvolutionFwdAlgoPerf_t.algo(perf);
        assertEquals(cudnn_h.CUDNN_STATUS_SUCCESS(), cudnnConvolutionFwdAlgoPerf_t.status(perf));
        MemorySegment wsSize = arena.allocate(JAVA_LONG);
        Check.cudnn(cudnn_h.cudnnGetConvolutionForwardWorkspaceSize(handle, xDesc, fDesc, conv, yDesc, algo, wsSize), "cudnnGetConvolutionForwardWorkspaceSize");
        long wsBytes = wsSize.get(JAVA_LONG, 0);
        MemorySegment ws = MemorySegment.NULL;
        if (wsBytes > 0) {
            MemorySegment p = pointer();
            Check.cudart(cudart_h.cudaMalloc(p, wsBytes), "cudaMalloc");
            ws = p.get(ADDRESS, 0);
        }

        MemorySegment dx = toDevice(x), df = toDevice(f), dy = toDevice(new float[oh * ow]);
        Check.cudnn(cudnn_h.cudnnConvolutionForward(handle, arena.allocateFrom(JAVA_FLOAT, 1f), xDesc, dx, fDesc, df, conv, algo, ws, wsBytes,
                arena.allocateFrom(JAVA_FLOAT, 0f), yDesc, dy), "cudnnConvolutionForward");
        float[] y = toHost(dy, oh * ow);
        Check.cudart(cudart_h.cudaFree(dx), "cudaFree");
        Check.cudart(cudart_h.cudaFree(df), "cudaFree");
        if (wsBytes > 0) Check.cudart(cudart_h.cudaFree(ws), "cudaFree");
        Check.cudnn(cudnn_h.cudnnDestroy(handle), "cudnnDestroy");

        for (int i = 0; i < oh; i++) {
            for (int j = 0; j < ow; j++) {
                double ref = 0;
                for (int u = 0; u < r; u++) for (int v = 0; v < s; v++) ref += (double) x[(i + u) * w + j + v] * f[u * s + v];
                assertEquals(ref, y[i * ow + j], 1e-3, "y[" + i + "," + j + "] with algorithm " + algo);
            }
        }
    }

    private MemorySegment tensor(int n, int c, int h, int w) {
        MemorySegment out = pointer();
        Check.cudnn(cudnn_h.cudnnCreateTensorDescriptor(out), "cudnnCreateTensorDescriptor");
        MemorySegment desc = out.get(ADDRESS, 0);
        Check.cudnn(cudnn_h.cudnnSetTensor4dDescriptor(desc, cudnn_h.CUDNN_TENSOR_NCHW(), cudnn_h.CUDNN_DATA_FLOAT(), n, c, h, w), "cudnnSetTensor4dDescriptor");
        return desc;
    }
}
