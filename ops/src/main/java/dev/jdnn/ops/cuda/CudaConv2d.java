package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.CudaException;
import dev.jdnn.bindings.cudnn.cudnn_h;
import dev.jdnn.memory.DType;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.Conv2dPlan;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.OperandType;

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
 * A cuDNN convolution (groups, dilation) prepared for one {@link Conv2dSpec}, for its operand type: float32, bfloat16
 * or float16 activations and weights (the weight in the activations' format: KCRS for NCHW, KRSC for NHWC), always
 * with a float32 compute type (cuDNN's PSEUDO_BFLOAT16 / PSEUDO_HALF configurations; tensor-core math for the
 * half types). At plan time: descriptors, one convolution descriptor per direction (each carries the math type of the
 * algorithm chosen for it), and the three algorithms — benchmarked with cudnnFind*AlgorithmEx within the workspace
 * limit of the moment ({@link WorkspaceLimit}), in the backend's shared workspace grown for the search, or taken from the
 * cudnnGet*_v7 heuristics otherwise ({@link CudaBackend.Options#timesConvolutions()}). Benchmarked choices go to the
 * backend's {@link ConvAlgorithmStore}, so a shape seen before (in this backend, or in an earlier run with the same GPU
 * model and cuDNN) is not benchmarked again. Strict FP32 admits only FMA-math algorithms (no TF32) for float32 data;
 * deterministic mode ({@link CudaBackend.Options#deterministic()}) only algorithms cuDNN reports as deterministic.
 * The plan's workspace need is reserved in the backend's {@link SharedWorkspace}; the calls use it.
 *
 * <p>Where cuDNN's legacy API cannot follow the mixed-precision table exactly, with half-precision operands:
 * <ul>
 *   <li>the bias (float32) is added after cuDNN wrote y: y is rounded twice (once by the convolution, once after the
 *       bias), not once — at most one extra half ulp;</li>
 *   <li>backward-filter needs x, dy and dW of one type, so dW is computed in the activations' type into the shared
 *       workspace and then accumulated into the float32 gradient (alpha, beta) by a kernel: one rounding of the raw
 *       weight gradient to bf16/fp16 that the CPU backend does not make (relative 2^-9 / 2^-12).</li>
 * </ul>
 *
 * <p>Strided operands (batch-strided NCHW, pixel-strided NHWC) get their own descriptors on first sight; the algorithm
 * is re-validated for them (cuDNN may not support it for that layout), falling back to the heuristics' best that fits
 * the reserved workspace.
 */
final class CudaConv2d implements Conv2dPlan {
    /** Alignment of the weight-gradient scratch in the shared workspace. */
    private static final long ALIGN = 256;

    private final CudaContext ctx;
    private final Conv2dSpec spec;
    private final OperandType type;
    private final boolean half;
    private final TensorDescriptors xDescs, yDescs;
    private final MemorySegment wDesc, biasDesc;
    private final Map<ConvDirection, MemorySegment> convDescs = new EnumMap<>(ConvDirection.class);
    private final Map<ConvDirection, ConvAlgorithm> chosen = new EnumMap<>(ConvDirection.class);
    /** The math type each direction's descriptor is set to now. */
    private final Map<ConvDirection, Integer> currentMath = new EnumMap<>(ConvDirection.class);
    /** Algorithms for strided layouts, keyed by direction and the pair of descriptors. */
    private final Map<String, ConvAlgorithm> stridedChoices = new HashMap<>();
    /** With half-precision operands: the bytes at the workspace's start where backward-filter writes dW before accumulating it. */
    private final long filterScratchBytes;
    private final long workspaceBytes;
    private boolean closed;

    CudaConv2d(CudaContext ctx, Conv2dSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        this.type = spec.operands();
        this.half = type.dtype() != DType.FLOAT32;
        this.filterScratchBytes = half ? alignUp(spec.weightShape().numel() * type.dtype().byteSize()) : 0;
        long ws = 0;
        try {
            this.xDescs = new TensorDescriptors("conv2d input", spec.inputShape(), type, ctx.device);
            this.yDescs = new TensorDescriptors("conv2d output", spec.outputShape(), type, ctx.device);
            this.wDesc = Cudnn.filter(spec.outChannels(), spec.inChannels() / spec.groups(), spec.kernelH(), spec.kernelW(), type.dtype(), type.format());
            this.biasDesc = Cudnn.tensor(1, spec.outChannels(), 1, 1, spec.outChannels());
            int mathType = searchMath();
            for (ConvDirection d : ConvDirection.values()) convDescs.put(d, convolutionDescriptor(spec, mathType));
            checkOutputDims(spec, convDescs.get(ConvDirection.FORWARD), xDescs.dense(), wDesc);
            long limit = ctx.workspaceLimit();
            if (ctx.options.timesConvolutions()) benchmark(limit); else fromHeuristics(limit);
            for (ConvDirection d : ConvDirection.values()) ws = Math.max(ws, need(d, chosen.get(d)));
            ctx.workspace.require(this, ws);
            ctx.workspace.settle(); // a search may have grown it beyond what the plans keep
        } catch (RuntimeException e) {
            close(); // e.g. a stride beyond int range or no algorithm within the limit: what was built so far is not leaked
            throw e;
        }
        this.workspaceBytes = ws;
    }

    private static long alignUp(long bytes) {
        return (bytes + ALIGN - 1) / ALIGN * ALIGN;
    }

    /** The workspace a direction's call needs with algorithm {@code a}: backward-filter of half types adds the dW scratch. */
    private long need(ConvDirection d, ConvAlgorithm a) {
        return d == ConvDirection.BACKWARD_FILTER ? filterScratchBytes + a.workspaceBytes() : a.workspaceBytes();
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
     * Takes each direction's choice from the backend's {@link ConvAlgorithmStore} when cuDNN still accepts it within
     * the limit, and benchmarks only the others (allocating the scratch operands only then), recording and saving what
     * it found. Each search runs in the shared workspace, grown to the largest workspace any algorithm that fits the
     * limit asks for (as PyTorch sizes its search), and settled back afterwards by the constructor.
     */
    private void benchmark(long limit) {
        ConvAlgorithmStore store = ctx.convAlgorithms;
        List<ConvDirection> unknown = new ArrayList<>();
        for (ConvDirection d : ConvDirection.values()) {
            ConvAlgorithm known = store.lookup(storeKey(d), a -> revalidated(d, a, limit));
            if (known != null) chosen.put(d, known); else unknown.add(d);
        }
        if (unknown.isEmpty()) return;
        try (Tensor x = ctx.allocate(spec.inputShape(), type.dtype(), type.format());
             Tensor w = ctx.allocate(spec.weightShape(), type.dtype(), type.format());
             Tensor y = ctx.allocate(spec.outputShape(), type.dtype(), type.format())) {
            // Find*Ex reads its inputs: give them defined values so no NaN path skews the timings.
            for (Tensor t : new Tensor[]{x, w, y}) CudaPointwise.fill(ctx, t, 0.01f);
            for (ConvDirection d : unknown) {
                setMath(d, searchMath()); // a stored choice that failed revalidation may have left its math type here
                MemorySegment[] io = switch (d) {
                    case FORWARD -> new MemorySegment[]{ptr(x), ptr(w), ptr(y)};
                    case BACKWARD_DATA -> new MemorySegment[]{ptr(w), ptr(y), ptr(x)};
                    case BACKWARD_FILTER -> new MemorySegment[]{ptr(x), ptr(y), ptr(w)};
                };
                ConvDirection.Descs ds = descs(d, xDescs.dense(), yDescs.dense());
                long searchBytes = searchWorkspace(d, ds, limit);
                ctx.workspace.grow(searchBytes);
                MemorySegment ws = MemorySegment.ofAddress(ctx.workspace.address(searchBytes, "conv2d search " + spec));
                ConvAlgorithm found = search(d, ds, limit, (h, dd, n, ret, perf) -> d.find(h, dd, io[0], io[1], io[2], n, ret, perf, ws, searchBytes), "Find");
                chosen.put(d, found);
                store.record(storeKey(d), found);
            }
            ctx.synchronize();
        }
        store.save();
    }

    /** The largest workspace any algorithm of a direction needs that fits {@code limit}: what its search is given. */
    private long searchWorkspace(ConvDirection d, ConvDirection.Descs ds, long limit) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            Check.cudnn(d.maxCount(ctx.cudnn, count), "cudnnGetConvolution*AlgorithmMaxCount");
            return ConvChoice.searchBytes(count.get(ValueLayout.JAVA_INT, 0), algoLimit(d, limit), algo -> {
                try {
                    return workspaceFor(d, ds, algo);
                } catch (CudaException e) {
                    return -1; // an algorithm cuDNN cannot size for these descriptors is not searched either
                }
            });
        }
    }

    /** What a direction's algorithm may use of {@code limit}: backward-filter of half types keeps room for the dW scratch. */
    private long algoLimit(ConvDirection d, long limit) {
        return d == ConvDirection.BACKWARD_FILTER ? limit - filterScratchBytes : limit;
    }

    private ConvAlgorithmStore.ConvKey storeKey(ConvDirection d) {
        return new ConvAlgorithmStore.ConvKey(d, ctx.options.strictFp32(), ctx.options.deterministic(), ctx.options.workspaceLimit().key(), spec);
    }

    /**
     * A stored choice as usable now, with the workspace cuDNN asks for today; null when cuDNN rejects its math type or
     * algorithm for these descriptors or it no longer fits the limit (a stale or hand-edited file must not fail a plan).
     */
    private ConvAlgorithm revalidated(ConvDirection d, ConvAlgorithm stored, long limit) {
        if (usableMath(stored.mathType()) != stored.mathType()) return null;
        if (ctx.options.deterministic() && d.knownNondeterministic(stored.algo())) return null;
        try {
            setMath(d, stored.mathType());
            long ws = workspaceFor(d, descs(d, xDescs.dense(), yDescs.dense()), stored.algo());
            ConvAlgorithm a = new ConvAlgorithm(stored.algo(), stored.mathType(), ws);
            return ws >= 0 && need(d, a) <= limit ? a : null;
        } catch (CudaException e) {
            return null;
        }
    }

    /** Heuristic choices skip the store (in memory and on disk): cudnnGet*_v7 runs no kernels, so asking again is cheap. */
    private void fromHeuristics(long limit) {
        for (ConvDirection d : ConvDirection.values()) {
            chosen.put(d, search(d, descs(d, xDescs.dense(), yDescs.dense()), limit, d::heuristic, "Get_v7"));
        }
    }

    @FunctionalInterface
    private interface Search {
        int run(MemorySegment handle, ConvDirection.Descs descs, int count, MemorySegment returned, MemorySegment perf);
    }

    /**
     * Runs a search and keeps the first (fastest / most recommended) usable result whose call fits {@code limit}
     * bytes of workspace (with backward-filter's dW scratch, for half types); sets its math type.
     */
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
        long algoLimit = algoLimit(d, limit);
        ConvAlgorithm a = ConvChoice.first(ConvChoice.admissible(results, algoLimit, this::usableMath, ctx.options.deterministic()), algoLimit, (algo, math) -> {
            setMath(d, math);
            return workspaceFor(d, ds, algo);
        });
        if (a != null) return a;
        throw new IllegalStateException("no cuDNN convolution " + d.label + " algorithm for " + spec + " fits the workspace limit of "
                + limit + " bytes (policy " + ctx.options.workspaceLimit().key() + ")"
                + (ctx.options.strictFp32() && !half ? " with FMA (strict FP32) math" : "")
                + (ctx.options.deterministic() ? " among the deterministic ones (deterministic mode)" : ""));
    }

    /** {@link #usableMath(int, boolean)} for this plan's operands: half-precision data takes whatever math cuDNN reports. */
    private int usableMath(int reported) {
        return half ? reported : usableMath(reported, ctx.options.strictFp32());
    }

    /**
     * The math type to run a search result on float32 data with, or -1 to skip it. Strict FP32 searched with FMA math
     * on the descriptor and keeps it, whatever cuDNN reports back. Otherwise TF32 tensor cores are fine (as in PyTorch
     * with allow_tf32), but not CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION: that converts FP32 operands to FP16, which loses
     * far more than TF32's 10-bit mantissa and which PyTorch never allows for FP32 tensors.
     */
    static int usableMath(int reported, boolean strictFp32) {
        if (strictFp32) return cudnn_h.CUDNN_FMA_MATH();
        return reported == cudnn_h.CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION() ? -1 : reported;
    }

    /** The algorithm chosen for a direction on densely packed operands. */
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
    private ConvAlgorithm algorithm(ConvDirection d, MemorySegment xDesc, MemorySegment yDesc) {
        if (xDesc.equals(xDescs.dense()) && yDesc.equals(yDescs.dense())) {
            ConvAlgorithm a = chosen.get(d);
            setMath(d, a.mathType());
            return a;
        }
        // Descriptors are cached per layout, so their addresses name the layout pair.
        String key = d + ":" + xDesc.address() + ":" + yDesc.address();
        ConvAlgorithm a = stridedChoices.get(key);
        if (a == null) {
            ConvDirection.Descs ds = descs(d, xDesc, yDesc);
            ConvAlgorithm base = chosen.get(d);
            setMath(d, base.mathType()); // ask about the base algorithm as it would run
            long ws = workspaceFor(d, ds, base.algo());
            if (ws >= 0 && need(d, new ConvAlgorithm(base.algo(), base.mathType(), ws)) <= workspaceBytes) {
                a = new ConvAlgorithm(base.algo(), base.mathType(), ws);
            } else {
                setMath(d, searchMath());
                a = search(d, ds, workspaceBytes, d::heuristic, "Get_v7");
            }
            stridedChoices.put(key, a);
        }
        setMath(d, a.mathType()); // the direction's descriptor carries one math type: the one this algorithm was chosen with
        return a;
    }

    /**
     * The math type searches run with: tensor-core math for half-precision data; for float32 FMA only in strict FP32,
     * else cuDNN's default (TF32 allowed).
     */
    private int searchMath() {
        if (half) return cudnn_h.CUDNN_TENSOR_OP_MATH();
        return ctx.options.strictFp32() ? cudnn_h.CUDNN_FMA_MATH() : cudnn_h.CUDNN_DEFAULT_MATH();
    }

    private void setMath(ConvDirection d, int mathType) {
        Integer now = currentMath.get(d);
        if (now != null && now == mathType) return;
        Check.cudnn(cudnn_h.cudnnSetConvolutionMathType(convDescs.get(d), mathType), "cudnnSetConvolutionMathType");
        currentMath.put(d, mathType);
    }

    /** The shared workspace for algorithm {@code a}, starting {@code offset} bytes in (NULL when it needs none). */
    private MemorySegment workspace(ConvAlgorithm a, long offset) {
        if (a.workspaceBytes() == 0) return MemorySegment.NULL;
        return MemorySegment.ofAddress(ctx.workspace.address(offset + a.workspaceBytes(), "conv2d " + spec) + offset);
    }

    @Override
    public Conv2dSpec spec() {
        return spec;
    }

    /**
     * cuDNN's algorithm, math type and workspace for each direction, e.g. "cuDNN forward IMPLICIT_PRECOMP_GEMM
     * (TENSOR_OP_MATH, 0.0 MiB); backward data ALGO_1 (...); backward filter ALGO_1 (...)", then any other
     * algorithm a strided operand (a channel slice of a concatenation) was given.
     */
    @Override
    public String implementation() {
        StringJoiner j = new StringJoiner("; ", "cuDNN ", "");
        for (ConvDirection d : ConvDirection.values()) j.add(d.label + " " + chosen.get(d).describe(d));
        stridedChoices.forEach((key, a) -> {
            ConvDirection d = ConvDirection.valueOf(key.substring(0, key.indexOf(':'))); // keys start with the direction
            if (!a.equals(chosen.get(d))) j.add(d.label + " on strided operands " + a.describe(d));
        });
        return j.toString();
    }

    /** What this plan needs of the backend's shared workspace (reserved there when the plan was made). */
    @Override
    public long workspaceBytes() {
        return workspaceBytes;
    }

    @Override
    public void forward(float alpha, Tensor x, Tensor w, Tensor bias, float beta, Tensor y) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), yd = yDescs.of(y);
        Operands.weight("conv2d weight", w, spec.weightShape(), type, ctx.device);
        if (bias != null) Operands.contiguous("conv2d bias", bias, spec.biasShape(), ctx.device);
        ConvAlgorithm a = algorithm(ConvDirection.FORWARD, xd, yd);
        ctx.cudnn("cudnnConvolutionForward " + spec, cudnn_h.cudnnConvolutionForward(ctx.cudnn, ctx.alpha(alpha), xd, ptr(x), wDesc, ptr(w),
                convDescs.get(ConvDirection.FORWARD), a.algo(), workspace(a, 0), a.workspaceBytes(), ctx.beta(beta), yd, ptr(y)));
        if (bias == null) return;
        if (half) {
            CudaPointwise.addBias(ctx, y, bias, alpha); // float32 bias into the rounded y (see the class comment)
        } else {
            ctx.cudnn("cudnnAddTensor (conv2d bias) " + spec, cudnn_h.cudnnAddTensor(ctx.cudnn, ctx.alpha(alpha), biasDesc, ptr(bias), ctx.beta(1f), yd, ptr(y)));
        }
    }

    @Override
    public void backwardData(float alpha, Tensor dy, Tensor w, float beta, Tensor dx) {
        ctx.ensureContext();
        MemorySegment dyd = yDescs.of(dy), dxd = xDescs.of(dx);
        Operands.weight("conv2d weight", w, spec.weightShape(), type, ctx.device);
        ConvAlgorithm a = algorithm(ConvDirection.BACKWARD_DATA, dxd, dyd);
        ctx.cudnn("cudnnConvolutionBackwardData " + spec, cudnn_h.cudnnConvolutionBackwardData(ctx.cudnn, ctx.alpha(alpha), wDesc, ptr(w), dyd, ptr(dy),
                convDescs.get(ConvDirection.BACKWARD_DATA), a.algo(), workspace(a, 0), a.workspaceBytes(), ctx.beta(beta), dxd, ptr(dx)));
    }

    /**
     * dW (float32, in the weight's format) = alpha * correlate(x, dy) + beta * dW. With half-precision operands cuDNN
     * writes the correlation in their type to the workspace's first {@code filterScratchBytes}, and add_scaled
     * accumulates it into dW (see the class comment).
     */
    @Override
    public void backwardFilter(float alpha, Tensor x, Tensor dy, float beta, Tensor dw) {
        ctx.ensureContext();
        MemorySegment xd = xDescs.of(x), dyd = yDescs.of(dy);
        Operands.weightGradient("conv2d weight gradient", dw, spec.weightShape(), type, ctx.device);
        ConvAlgorithm a = algorithm(ConvDirection.BACKWARD_FILTER, xd, dyd);
        String op = "cudnnConvolutionBackwardFilter " + spec;
        MemorySegment conv = convDescs.get(ConvDirection.BACKWARD_FILTER);
        if (!half) {
            ctx.cudnn(op, cudnn_h.cudnnConvolutionBackwardFilter(ctx.cudnn, ctx.alpha(alpha), xd, ptr(x), dyd, ptr(dy),
                    conv, a.algo(), workspace(a, 0), a.workspaceBytes(), ctx.beta(beta), wDesc, ptr(dw)));
            return;
        }
        long scratch = ctx.workspace.address(need(ConvDirection.BACKWARD_FILTER, a), "conv2d " + spec);
        ctx.cudnn(op, cudnn_h.cudnnConvolutionBackwardFilter(ctx.cudnn, ctx.alpha(1f), xd, ptr(x), dyd, ptr(dy),
                conv, a.algo(), workspace(a, filterScratchBytes), a.workspaceBytes(), ctx.beta(0f), wDesc, MemorySegment.ofAddress(scratch)));
        KernelOperands.Ref target = KernelOperands.ref(dw);
        CudaPointwise.addScaled(ctx, KernelOperands.walk(type.format(), dw), alpha, target.at(scratch, type.dtype()), beta, target);
    }

    /** db (float32) = alpha * sum of dy over N, H, W + beta * db; half-precision dy through the bias_grad kernel. */
    @Override
    public void backwardBias(float alpha, Tensor dy, float beta, Tensor db) {
        ctx.ensureContext();
        MemorySegment dyd = yDescs.of(dy);
        Operands.contiguous("conv2d bias gradient", db, spec.biasShape(), ctx.device);
        if (half) {
            CudaPointwise.biasGrad(ctx, alpha, dy, beta, db);
            return;
        }
        ctx.cudnn("cudnnConvolutionBackwardBias " + spec, cudnn_h.cudnnConvolutionBackwardBias(ctx.cudnn, ctx.alpha(alpha), dyd, ptr(dy), ctx.beta(beta), biasDesc, ptr(db)));
    }

    /** Idempotent; also releases a half-built plan (fields still null). */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        ctx.workspace.release(this);
        if (xDescs != null) xDescs.close();
        if (yDescs != null) yDescs.close();
        if (wDesc != null) cudnn_h.cudnnDestroyFilterDescriptor(wDesc);
        if (biasDesc != null) cudnn_h.cudnnDestroyTensorDescriptor(biasDesc);
        for (MemorySegment c : convDescs.values()) cudnn_h.cudnnDestroyConvolutionDescriptor(c);
        convDescs.clear();
    }
}
