package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import static dev.jdnn.ops.cuda.Cudnn.ptr;

/**
 * A cuDNN convolution (groups, dilation) prepared for one {@link Conv2dSpec}. At plan time: descriptors, one
 * convolution descriptor per direction (each carries the math type of the algorithm chosen for it), and the three
 * algorithms — benchmarked with cudnnFind*AlgorithmEx on scratch buffers within the workspace limit, or taken from
 * the cudnnGet*_v7 heuristics otherwise ({@link CudaBackend.Options#timesConvolutions()}). Benchmarked choices go
 * to the backend's {@link ConvAlgorithmStore}, so a shape seen before (in this backend, or in an earlier run with the
 * same GPU model and cuDNN) is not benchmarked again. Strict FP32 admits only FMA-math algorithms (no TF32);
 * deterministic mode ({@link CudaBackend.Options#deterministic()}) only algorithms cuDNN reports as deterministic.
 *
 * <p>Batch-strided operands get their own descriptors on first sight; the algorithm is re-validated for them
 * (cuDNN may not support it for that layout), falling back to the heuristics' best that fits the workspace.
 */
final class CudaConv2d implements Conv2dPlan {
    private final CudaContext ctx;
    private final Conv2dSpec spec;
    private final TensorDescriptors xDescs, yDescs;
    private final MemorySegment wDesc, biasDesc;
    private final Map<ConvDirection, MemorySegment> convDescs = new EnumMap<>(ConvDirection.class);
    private final Map<ConvDirection, ConvAlgorithm> chosen = new EnumMap<>(ConvDirection.class);
    /** The math type each direction's descriptor is set to now. */
    private final Map<ConvDirection, Integer> currentMath = new EnumMap<>(ConvDirection.class);
    /** Algorithms for non-contiguous layouts, keyed by direction and the pair of batch strides. */
    private final Map<String, ConvAlgorithm> stridedChoices = new HashMap<>();
    private final long workspaceBytes;

    CudaConv2d(CudaContext ctx, Conv2dSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        this.xDescs = new TensorDescriptors("conv2d input", spec.inputShape(), ctx.device);
        this.yDescs = new TensorDescriptors("conv2d output", spec.outputShape(), ctx.device);
        this.wDesc = Cudnn.filter(spec.outChannels(), spec.inChannels() / spec.groups(), spec.kernelH(), spec.kernelW());
        this.biasDesc = Cudnn.tensor(1, spec.outChannels(), 1, 1, spec.outChannels());
        long ws = 0;
        try {
            int mathType = searchMath();
            for (ConvDirection d : ConvDirection.values()) convDescs.put(d, convolutionDescriptor(spec, mathType));
            checkOutputDims(spec, convDescs.get(ConvDirection.FORWARD), xDescs.contiguous(), wDesc);
            long limit = ctx.options.convWorkspaceLimitBytes();
            if (ctx.options.timesConvolutions()) benchmark(limit); else fromHeuristics(limit);
        } catch (RuntimeException e) {
            close(); // e.g. no algorithm fits the workspace limit: the descriptors built so far are not leaked
            throw e;
        }
        for (ConvAlgorithm a : chosen.values()) ws = Math.max(ws, a.workspaceBytes());
        this.workspaceBytes = ws;
    }

    /** A 2D cross-correlation descriptor for the spec; needs no GPU. */
    static MemorySegment convolutionDescriptor(Conv2dSpec spec, int mathType) {
        MemorySegment c = Cudnn.create(cudnn_h::cudnnCreateConvolutionDescriptor, "cudnnCreateConvolutionDescriptor");
        try {
            Check.cudnn(cudnn_h.cudnnSetConvolution2dDescriptor(c, spec.padH(), spec.padW(), spec.strideH(), spec.strideW(),
                    spec.dilationH(), spec.dilationW(), cudnn_h.CUDNN_CROSS_CORRELATION(), cudnn_h.CUDNN_DATA_FLOAT()),
                    "cudnnSetConvolution2dDescriptor(" + spec + ")");
            Check.cudnn(cudnn_h.cudnnSetConvolutionGroupCount(c, spec.groups()), "cudnnSetConvolutionGroupCount(" + spec.groups() + ")");
            Check.cudnn(cudnn_h.cudnnSetConvolutionMathType(c, mathType), "cudnnSetConvolutionMathType");
        } catch (RuntimeException e) {
            cudnn_h.cudnnDestroyConvolutionDescriptor(c);
            throw e;
        }
        return c;
    }

    /** cuDNN's idea of the output size must be the spec's, or every later call would be wrong. */
    static int[] outputDims(MemorySegment conv, MemorySegment xDesc, MemorySegment wDesc) {
        return Cudnn.dims4(o -> cudnn_h.cudnnGetConvolution2dForwardOutputDim(conv, xDesc, wDesc, o[0], o[1], o[2], o[3]),
                "cudnnGetConvolution2dForwardOutputDim");
    }

    private static void checkOutputDims(Conv2dSpec spec, MemorySegment conv, MemorySegment xDesc, MemorySegment wDesc) {
        int[] dims = outputDims(conv, xDesc, wDesc);
        int[] expected = spec.outputShape().toArray();
        if (!java.util.Arrays.equals(dims, expected)) {
            throw new IllegalStateException("cuDNN computes output " + java.util.Arrays.toString(dims) + " for " + spec + " but the spec says " + spec.outputShape());
        }
    }

    private ConvDirection.Descs descs(ConvDirection d, MemorySegment x, MemorySegment y) {
        return new ConvDirection.Descs(x, wDesc, y, convDescs.get(d));
    }

    /**
     * Takes each direction's choice from the backend's {@link ConvAlgorithmStore} when cuDNN still accepts it, and
     * benchmarks only the others (allocating the scratch operands only then), recording and saving what it found.
     */
    private void benchmark(long limit) {
        ConvAlgorithmStore store = ctx.convAlgorithms;
        List<ConvDirection> unknown = new ArrayList<>();
        for (ConvDirection d : ConvDirection.values()) {
            ConvAlgorithm known = store.lookup(storeKey(d, limit), a -> revalidated(d, a, limit));
            if (known != null) chosen.put(d, known); else unknown.add(d);
        }
        if (unknown.isEmpty()) return;
        try (Tensor x = ctx.allocate(spec.inputShape(), dev.jdnn.memory.DType.FLOAT32);
             Tensor w = ctx.allocate(spec.weightShape(), dev.jdnn.memory.DType.FLOAT32);
             Tensor y = ctx.allocate(spec.outputShape(), dev.jdnn.memory.DType.FLOAT32);
             Tensor ws = ctx.scratch(limit)) {
            // Find*Ex reads its inputs: give them defined values so no NaN path skews the timings.
            for (Tensor t : new Tensor[]{x, w, y}) CudaPointwise.fill(ctx, t, 0.01f);
            for (ConvDirection d : unknown) {
                setMath(d, searchMath()); // a stored choice that failed revalidation may have left its math type here
                MemorySegment[] io = switch (d) {
                    case FORWARD -> new MemorySegment[]{ptr(x), ptr(w), ptr(y)};
                    case BACKWARD_DATA -> new MemorySegment[]{ptr(w), ptr(y), ptr(x)};
                    case BACKWARD_FILTER -> new MemorySegment[]{ptr(x), ptr(y), ptr(w)};
                };
                ConvAlgorithm found = search(d, descs(d, xDescs.contiguous(), yDescs.contiguous()), limit,
                        (h, ds, n, ret, perf) -> d.find(h, ds, io[0], io[1], io[2], n, ret, perf, ptr(ws), ws == null ? 0 : limit), "Find");
                chosen.put(d, found);
                store.record(storeKey(d, limit), found);
            }
            ctx.synchronize();
        }
        store.save();
    }

    private ConvAlgorithmStore.ConvKey storeKey(ConvDirection d, long limit) {
        return new ConvAlgorithmStore.ConvKey(d, ctx.options.strictFp32(), ctx.options.deterministic(), limit, spec);
    }

    /**
     * A stored choice as usable now, with the workspace cuDNN asks for today; null when cuDNN rejects its math type or
     * algorithm for these descriptors or it no longer fits the limit (a stale or hand-edited file must not fail a plan).
     */
    private ConvAlgorithm revalidated(ConvDirection d, ConvAlgorithm stored, long limit) {
        if (usableMath(stored.mathType(), ctx.options.strictFp32()) != stored.mathType()) return null;
        if (ctx.options.deterministic() && d.knownNondeterministic(stored.algo())) return null;
        try {
            setMath(d, stored.mathType());
            long ws = workspaceFor(d, descs(d, xDescs.contiguous(), yDescs.contiguous()), stored.algo());
            return ws >= 0 && ws <= limit ? new ConvAlgorithm(stored.algo(), stored.mathType(), ws) : null;
        } catch (CudaException e) {
            return null;
        }
    }

    /** Heuristic choices skip the store (in memory and on disk): cudnnGet*_v7 runs no kernels, so asking again is cheap. */
    private void fromHeuristics(long limit) {
        for (ConvDirection d : ConvDirection.values()) {
            chosen.put(d, search(d, descs(d, xDescs.contiguous(), yDescs.contiguous()), limit, d::heuristic, "Get_v7"));
        }
    }

    @FunctionalInterface
    private interface Search {
        int run(MemorySegment handle, ConvDirection.Descs descs, int count, MemorySegment returned, MemorySegment perf);
    }

    /** Runs a search and keeps the first (fastest / most recommended) usable result; sets its math type. */
    private ConvAlgorithm search(ConvDirection d, ConvDirection.Descs ds, long limit, Search how, String kind) {
        List<ConvDirection.Result> results = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            Check.cudnn(d.maxCount(ctx.cudnn, count), "cudnnGetConvolution*AlgorithmMaxCount");
            int max = Math.max(1, count.get(ValueLayout.JAVA_INT, 0));
            MemorySegment perf = arena.allocate(d.perfBytes() * max, 8);
            ctx.cudnn("cudnn" + kind + " convolution " + d.label + " algorithms for " + spec, how.run(ctx.cudnn, ds, max, count, perf));
            for (int i = 0; i < count.get(ValueLayout.JAVA_INT, 0); i++) results.add(ConvDirection.Result.read(perf.asSlice(i * d.perfBytes(), d.perfBytes())));
        }
        for (ConvAlgorithm candidate : admissible(results, limit, ctx.options.strictFp32(), ctx.options.deterministic())) {
            setMath(d, candidate.mathType());
            long ws = workspaceFor(d, ds, candidate.algo());
            if (ws >= 0 && ws <= limit) return new ConvAlgorithm(candidate.algo(), candidate.mathType(), ws);
        }
        throw new IllegalStateException("no cuDNN convolution " + d.label + " algorithm for " + spec + " fits the workspace limit of "
                + ctx.options.convWorkspaceLimitBytes() + " bytes" + (ctx.options.strictFp32() ? " with FMA (strict FP32) math" : "")
                + (ctx.options.deterministic() ? " among the deterministic ones (deterministic mode)" : ""));
    }

    /**
     * The search results worth trying, in cuDNN's order (fastest or most recommended first), each with the math type
     * to run it with and the workspace cuDNN reported: those that succeeded, fit the workspace limit, have a usable math
     * type and — in deterministic mode — are reported deterministic. Needs no GPU.
     */
    static List<ConvAlgorithm> admissible(List<ConvDirection.Result> results, long limit, boolean strictFp32, boolean deterministic) {
        List<ConvAlgorithm> out = new ArrayList<>();
        for (ConvDirection.Result r : results) {
            if (r.status() != 0 || r.memory() > limit) continue;
            if (deterministic && !r.deterministic()) continue;
            int math = usableMath(r.mathType(), strictFp32);
            if (math >= 0) out.add(new ConvAlgorithm(r.algo(), math, r.memory()));
        }
        return out;
    }

    /**
     * The math type to run a search result with, or -1 to skip it. Strict FP32 searched with FMA math on the
     * descriptor and keeps it, whatever cuDNN reports back. Otherwise TF32 tensor cores are fine (as in PyTorch with
     * allow_tf32), but not CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION: that converts FP32 operands to FP16, which loses far
     * more than TF32's 10-bit mantissa and which PyTorch never allows for FP32 tensors.
     */
    static int usableMath(int reported, boolean strictFp32) {
        if (strictFp32) return cudnn_h.CUDNN_FMA_MATH();
        return reported == cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION() ? -1 : reported;
    }

    /** The algorithm chosen for a direction on contiguous operands. */
    ConvAlgorithm chosen(ConvDirection d) {
        return chosen.get(d);
    }

    /** The workspace an algorithm needs for these descriptors, or -1 when cuDNN does not support it for them. */
    private long workspaceFor(ConvDirection d, ConvDirection.Descs ds, int algo) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
            int status = d.workspaceSize(ctx.cudnn, ds, algo, out);
            if (status == cudnn_h.CUDNN_STATUS_NOT_SUPPORTED()) return -1;
            Check.cudnn(status, "cudnnGetConvolution" + d.label + "WorkspaceSize");
            return out.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** The algorithm for a direction on these (possibly strided) descriptors. */
    private ConvAlgorithm algorithm(ConvDirection d, Tensor xSide, MemorySegment xDesc, Tensor ySide, MemorySegment yDesc) {
        if (xDesc.equals(xDescs.contiguous()) && yDesc.equals(yDescs.contiguous())) {
            ConvAlgorithm a = chosen.get(d);
            setMath(d, a.mathType());
            return a;
        }
        String key = d + ":" + xSide.batchStride() + ":" + ySide.batchStride();
        ConvAlgorithm a = stridedChoices.get(key);
        if (a == null) {
            ConvDirection.Descs ds = descs(d, xDesc, yDesc);
            ConvAlgorithm base = chosen.get(d);
            setMath(d, base.mathType()); // ask about the base algorithm as it would run
            long ws = workspaceFor(d, ds, base.algo());
            if (ws >= 0 && ws <= workspaceBytes) {
                a = base;
            } else {
                setMath(d, searchMath());
                a = search(d, ds, workspaceBytes, d::heuristic, "Get_v7");
            }
            stridedChoices.put(key, a);
        }
        setMath(d, a.mathType()); // the direction's descriptor carries one math type: the one this algorithm was chosen with
        return a;
    }

    /** The math type searches run with: FMA only in strict FP32, else cuDNN's default (TF32 allowed). */
    private int searchMath() {
        return ctx.options.strictFp32() ? cudnn_h.CUDNN_FMA_MATH() : cudnn_h.CUDNN_DEFAULT_MATH();
    }

    private void setMath(ConvDirection d, int mathType) {
        Integer now = currentMath.get(d);
        if (now != null && now == mathType) return;
        Check.cudnn(cudnn_h.cudnnSetConvolutionMathType(convDescs.get(d), mathType), "cudnnSetConvolutionMathType");
        currentMath.put(d, mathType);
    }

    private MemorySegment workspace(Tensor ws, ConvAlgorithm a) {
        if (a.workspaceBytes() == 0) return MemorySegment.NULL;
        if (ws == null) throw new IllegalArgumentException("conv2d " + spec + " needs a workspace of " + workspaceBytes + " bytes, got null");
        ws.requireDevice(ctx.device, "conv2d workspace");
        long available = ws.buffer().byteSize() - ws.offset() * ws.dtype().byteSize();
        if (available < a.workspaceBytes()) {
            throw new IllegalArgumentException("conv2d workspace holds " + available + " bytes, the algorithm needs " + a.workspaceBytes());
        }
        return ptr(ws);
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    /**
     * cuDNN's algorithm, math type and workspace for each direction, e.g. "cuDNN forward IMPLICIT_PRECOMP_GEMM
     * (TENSOR_OP_MATH, 0.0 MiB); backward data ALGO_1 (...); backward filter ALGO_1 (...)", then any other
     * algorithm a batch-strided operand (a channel slice of a concatenation) was given.
     */
    @Override
    public String implementation() {
        StringJoiner j = new StringJoiner("; ", "cuDNN ", "");
        for (ConvDirection d : ConvDirection.values()) j.add(d.label + " " + chosen.get(d).describe(d));
        stridedChoices.forEach((key, a) -> {
            ConvDirection d = ConvDirection.valueOf(key.substring(0, key.indexOf(':'))); // keys start with the direction
            if (!a.equals(chosen.get(d))) j.add(d.label + " on batch-strided operands " + a.describe(d));
        });
        return j.toString();
    }

    @Override
    public long workspaceBytes() {
        return workspaceBytes;
    }

    @Override
    public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y, Tensor workspace) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), yd = yDescs.of(y);
        Operands.contiguous("conv2d weight", w, spec.weightShape(), ctx.device);
        ConvAlgorithm a = algorithm(ConvDirection.FORWARD, x, xd, y, yd);
        ctx.cudnn("cudnnConvolutionForward " + spec, cudnn_h.cudnnConvolutionForward(ctx.cudnn, ctx.alpha(alpha), xd, ptr(x), wDesc, ptr(w),
                convDescs.get(ConvDirection.FORWARD), a.algo(), workspace(workspace, a), a.workspaceBytes(), ctx.beta(beta), yd, ptr(y)));
        if (bias != null) {
            Operands.contiguous("conv2d bias", bias, spec.biasShape(), ctx.device);
            ctx.cudnn("cudnnAddTensor (conv2d bias) " + spec, cudnn_h.cudnnAddTensor(ctx.cudnn, ctx.alpha(alpha), biasDesc, ptr(bias), ctx.beta(1f), yd, ptr(y)));
        }
    }

    @Override
    public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx, Tensor workspace) {
        ctx.ensureContext();
        MemorySegment dyd = yDescs.of(dy), dxd = xDescs.of(dx);
        Operands.contiguous("conv2d weight", w, spec.weightShape(), ctx.device);
        ConvAlgorithm a = algorithm(ConvDirection.BACKWARD_DATA, dx, dxd, dy, dyd);
        ctx.cudnn("cudnnConvolutionBackwardData " + spec, cudnn_h.cudnnConvolutionBackwardData(ctx.cudnn, ctx.alpha(alpha), wDesc, ptr(w), dyd, ptr(dy),
                convDescs.get(ConvDirection.BACKWARD_DATA), a.algo(), workspace(workspace, a), a.workspaceBytes(), ctx.beta(beta), dxd, ptr(dx)));
    }

    @Override
    public void backwardFilter(float alpha, Tensor x, Tensor dy, float beta, Tensor dw, Tensor workspace) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), dyd = yDescs.of(dy);
        Operands.contiguous("conv2d weight gradient", dw, spec.weightShape(), ctx.device);
        ConvAlgorithm a = algorithm(ConvDirection.BACKWARD_FILTER, x, xd, dy, dyd);
        ctx.cudnn("cudnnConvolutionBackwardFilter " + spec, cudnn_h.cudnnConvolutionBackwardFilter(ctx.cudnn, ctx.alpha(alpha), xd, ptr(x), dyd, ptr(dy),
                convDescs.get(ConvDirection.BACKWARD_FILTER), a.algo(), workspace(workspace, a), a.workspaceBytes(), ctx.beta(beta), wDesc, ptr(dw)));
    }

    @Override
    public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
        ctx.ensureContext();
        MemorySegment dyd = yDescs.of(dy);
        Operands.contiguous("conv2d bias gradient", db, spec.biasShape(), ctx.device);
        ctx.cudnn("cudnnConvolutionBackwardBias " + spec, cudnn_h.cudnnConvolutionBackwardBias(ctx.cudnn, ctx.alpha(alpha), dyd, ptr(dy), ctx.beta(beta), biasDesc, ptr(db)));
    }

    @Override
    public void close() {
        xDescs.close();
        yDescs.close();
        cudnn_h.cudnnDestroyFilterDescriptor(wDesc);
        cudnn_h.cudnnDestroyTensorDescriptor(biasDesc);
        for (MemorySegment c : convDescs.values()) cudnn_h.cudnnDestroyConvolutionDescriptor(c);
        convDescs.clear();
    }
}
