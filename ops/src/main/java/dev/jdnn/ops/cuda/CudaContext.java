package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cublas.cublas_h;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.Device;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.memory.cuda.CudaDevice;
import dev.jdnn.memory.cuda.CudaDeviceAllocator;
import dev.jdnn.memory.cuda.CudaStream;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What every CUDA op needs: the device, the backend's stream, the cuDNN and cuBLAS handles bound to it, the device
 * allocator, the kernel launcher, the stores of benchmarked convolution algorithms and fused-graph engines, and the
 * "last op" label. Created once per backend; plans keep a reference.
 * Like the stream it wraps, a context is used from one thread at a time.
 */
final class CudaContext implements AutoCloseable {
    final Device device;
    final CudaBackend.Options options;
    final CudaStream cudaStream;
    final MemorySegment stream; // cudaStream_t of cudaStream

    final MemorySegment cudnn;
    final MemorySegment cublas;
    final CudaDeviceAllocator allocator;
    /**
     * cuBLAS's workspace, owned here and set once the stream is (cublasSetStream resets it). Left to itself, cuBLAS
     * allocates its workspace on demand, and inside a CUDA graph capture that records allocation nodes into the
     * graph or fails the capture. Sizes as the cuBLAS documentation recommends: 32 MiB from Hopper on, 4 MiB before.
     */
    private final Tensor cublasWorkspace;
    final KernelCache kernels;
    final KernelLauncher launch;
    final ConvAlgorithmStore convAlgorithms;
    /** Autotuned engine configurations of fused graphs, in the same directory as the convolution algorithms. */
    final FusedEngineStore fusedEngines;
    final LastOp lastOp = new LastOp();
    /** The one workspace of every convolution and fused graph, sized at plan time (see {@link SharedWorkspace}). */
    final SharedWorkspace workspace = new SharedWorkspace(this::scratch);
    final int computeMajor, computeMinor;
    private final Arena arena = Arena.ofShared();
    /** Host scalars for alpha/beta arguments: cuDNN and cuBLAS (host pointer mode) read them during the call. */
    private final MemorySegment scalars = arena.allocate(ValueLayout.JAVA_FLOAT, 8);

    CudaContext(int ordinal, CudaBackend.Options options) {
        this.device = Device.cuda(ordinal);
        this.options = options;
        Check.cudart(cudart_h.cudaSetDevice(ordinal), "cudaSetDevice(" + ordinal + ")");
        Check.cudart(cudart_h.cudaFree(MemorySegment.NULL), "cudaFree(NULL) (context creation)");
        this.computeMajor = deviceAttribute(cudart_h.cudaDevAttrComputeCapabilityMajor(), ordinal);
        this.computeMinor = deviceAttribute(cudart_h.cudaDevAttrComputeCapabilityMinor(), ordinal);
        // Only benchmarked choices are worth keeping across runs: the heuristics (cudnnGet*_v7) are cheap to ask again.
        ChoiceStore.DeviceKey deviceKey =
                ChoiceStore.DeviceKey.of(CudaDevice.describe(ordinal), cudnn_h.cudnnGetVersion());
        this.convAlgorithms =
                ConvAlgorithmStore.open(options.timesConvolutions() ? options.convAlgorithmCacheDir() : null, deviceKey);
        this.fusedEngines = FusedEngineStore.open(options.timesConvolutions() ? options.convAlgorithmCacheDir() : null, deviceKey);
        // What is created is released again, newest first, if a later step fails: a failed backend leaks nothing.
        Deque<Runnable> undo = new ArrayDeque<>();
        try {
            this.cudaStream = CudaStream.create();
            undo.push(cudaStream::close);
            this.stream = cudaStream.handle();
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Check.cudnn(cudnn_h.cudnnCreate(out), "cudnnCreate");
            this.cudnn = out.get(ValueLayout.ADDRESS, 0);
            undo.push(() -> cudnn_h.cudnnDestroy(cudnn));
            Check.cudnn(cudnn_h.cudnnSetStream(cudnn, stream), "cudnnSetStream");
            Check.cublas(cublas_h.cublasCreate_v2(out), "cublasCreate_v2");
            this.cublas = out.get(ValueLayout.ADDRESS, 0);
            undo.push(() -> cublas_h.cublasDestroy_v2(cublas));
            Check.cublas(cublas_h.cublasSetStream_v2(cublas, stream), "cublasSetStream_v2");
            Check.cublas(cublas_h.cublasSetMathMode(cublas, CudaLinear.cublasMathMode(options.strictFp32())), "cublasSetMathMode");
            // cuBLAS's default already; said explicitly because deterministic mode depends on it. With one stream and
            // a fixed workspace, cuBLAS gives the same bits for the same call on the same GPU model and version.
            Check.cublas(cublas_h.cublasSetAtomicsMode(cublas, cublas_h.CUBLAS_ATOMICS_NOT_ALLOWED()), "cublasSetAtomicsMode");
            this.allocator = new CudaDeviceAllocator(ordinal, cudaStream);
            this.cublasWorkspace = scratch(computeMajor >= 9 ? 32L << 20 : 4L << 20);
            undo.push(cublasWorkspace::close);
            Check.cublas(cublas_h.cublasSetWorkspace_v2(cublas, MemorySegment.ofAddress(cublasWorkspace.address()), cublasWorkspace.numel()), "cublasSetWorkspace_v2");
            this.kernels = new KernelCache(computeMajor, computeMinor, options.kernelCacheDir());
            undo.push(kernels::close);
            this.launch = new KernelLauncher(kernels, stream, lastOp, this::ensureContext);
        } catch (RuntimeException | Error e) {
            while (!undo.isEmpty()) {
                try {
                    undo.pop().run();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            arena.close();
            throw e;
        }
        CURRENT_ON_THREAD.get()[0] = ordinal;
    }

    private int deviceAttribute(int attribute, int ordinal) {
        MemorySegment v = arena.allocate(ValueLayout.JAVA_INT);
        Check.cudart(cudart_h.cudaDeviceGetAttribute(v, attribute, ordinal), "cudaDeviceGetAttribute(" + attribute + ")");
        return v.get(ValueLayout.JAVA_INT, 0);
    }

    /**
     * The device whose primary context jdnn last made current on each thread (-1: none yet). Shared by all contexts,
     * so two backends on different GPUs driven from one thread switch correctly.
     */
    private static final ThreadLocal<int[]> CURRENT_ON_THREAD = ThreadLocal.withInitial(() -> new int[]{-1});

    /**
     * Makes this device's primary context current on the calling thread when it is not already: runtime calls
     * (cuDNN, cuBLAS, allocations) go to the thread's current device, and the driver API used for NVRTC modules and
     * launches needs the context current. Called before every backend op, plan call and kernel launch; a thread-local
     * compare when nothing changes.
     */
    void ensureContext() {
        int[] current = CURRENT_ON_THREAD.get();
        if (current[0] == device.ordinal()) return;
        Check.cudart(cudart_h.cudaSetDevice(device.ordinal()), "cudaSetDevice(" + device.ordinal() + ")");
        Check.cudart(cudart_h.cudaFree(MemorySegment.NULL), "cudaFree(NULL) (make the primary context current)");
        current[0] = device.ordinal();
    }

    Tensor allocate(Shape shape, DType dtype) {
        return Tensor.allocate(allocator, shape, dtype);
    }

    Tensor allocate(Shape shape, DType dtype, dev.jdnn.memory.MemoryFormat format) {
        return Tensor.allocate(allocator, shape, dtype, format);
    }

    /**
     * The workspace one algorithm or engine may use now, by the options' {@link WorkspaceLimit}: reads the device's free
     * and total memory (cudaMemGetInfo) when the policy follows them, and counts the shared workspace as spare only
     * where a resize would free it (a recording may pin it).
     */
    long workspaceLimit() {
        WorkspaceLimit policy = options.workspaceLimit();
        if (!policy.spare()) return policy.capBytes();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment free = a.allocate(ValueLayout.JAVA_LONG), total = a.allocate(ValueLayout.JAVA_LONG);
            cudart("cudaMemGetInfo", cudart_h.cudaMemGetInfo(free, total));
            return policy.limit(free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0), workspace.freeableBytes());
        }
    }

    /** A device scratch buffer of at least {@code bytes} bytes (as a byte tensor), or null for 0. */
    Tensor scratch(long bytes) {
        return bytes == 0 ? null : Tensor.allocate(allocator, scratchShape(bytes), DType.UINT8);
    }

    private static final int SCRATCH_ROW = 1 << 20;

    /**
     * The byte-tensor shape of a scratch buffer: [bytes] while that fits an int dimension, else rows of 1 MiB (so a
     * convolution workspace limit of 2 GiB or more, e.g. for cudnnFind*Ex, does not overflow a dimension).
     */
    static Shape scratchShape(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative scratch size " + bytes);
        if (bytes <= Integer.MAX_VALUE) return Shape.of((int) bytes);
        return Shape.of(Math.toIntExact((bytes + SCRATCH_ROW - 1) / SCRATCH_ROW), SCRATCH_ROW);
    }

    /** A host float scalar in slot {@code slot} (0..7), valid until the slot is rewritten. */
    MemorySegment f32(int slot, float value) {
        MemorySegment s = scalars.asSlice(slot * 4L, 4);
        s.set(ValueLayout.JAVA_FLOAT, 0, value);
        return s;
    }

    MemorySegment alpha(float v) { return f32(0, v); }
    MemorySegment beta(float v) { return f32(1, v); }
    MemorySegment alpha2(float v) { return f32(2, v); }
    MemorySegment beta2(float v) { return f32(3, v); }

    /** Checks a cuDNN status after labelling the call as the last op issued. */
    void cudnn(String op, int status) {
        lastOp.set(op);
        Check.cudnn(status, op);
    }

    void cublas(String op, int status) {
        lastOp.set(op);
        Check.cublas(status, op);
    }

    void cudart(String op, int status) {
        lastOp.set(op);
        Check.cudart(status, op);
    }

    /** Waits for the stream; an asynchronous fault names the op that was issued last. */
    void synchronize() {
        int status = cudart_h.cudaStreamSynchronize(stream);
        if (status != 0) {
            throw new dev.jdnn.bindings.CudaException(dev.jdnn.bindings.loader.Library.CUDART,
                    "cudaStreamSynchronize (last op issued: " + lastOp.get() + ")", status, Check.describeCudart(status));
        }
    }

    @Override
    public void close() {
        cudart_h.cudaStreamSynchronize(stream);
        workspace.close(); // stream-ordered frees, before the stream goes
        kernels.close();
        launch.close();
        cublas_h.cublasDestroy_v2(cublas);
        cudnn_h.cudnnDestroy(cudnn);
        cublasWorkspace.close(); // a stream-ordered free: before the stream goes
        cudaStream.close();
        arena.close();
    }
}
