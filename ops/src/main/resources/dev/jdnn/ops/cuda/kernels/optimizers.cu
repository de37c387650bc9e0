// Fused optimizer updates with torch.optim semantics over flat contiguous buffers. The *_vec4 variants process
// float4s and are launched only when n % 4 == 0 and every pointer is 16-byte aligned (checked on the host).
// Every update reads its per-step values (learning rate, first-step flag, Adam's bias corrections and AdamW's decay)
// from a small device array the host writes before each step (dev.jdnn.ops.OptimizerScalars' layout, indices below),
// so a CUDA graph that recorded the update replays it with the current values, and an eager call reads the same
// array. When the apply slot is 0 (written by finite_flag below: the step's loss was NaN or infinite) they change
// nothing.
//
// The arithmetic is torch's single-tensor CPU order, one rounding per operation, and equals CpuOptimizers bit for
// bit: NVRTC contracts a*b+c into an FMA on its own, so every operation is an explicit round-to-nearest intrinsic
// (__fmul_rn, __fadd_rn, __fsub_rn, __fdiv_rn, __fsqrt_rn, which are never contracted) and every FMA torch's CPU
// kernels make is an explicit __fmaf_rn. OptimizerKernelOrderTest checks these lines against a Java transcription.
#define SGD_LR 0
#define SGD_FIRST_STEP 1
#define SGD_APPLY 2
#define ADAM_STEP_SIZE 0
#define ADAM_BC2_SQRT 1
#define ADAM_DECAY 2
#define ADAM_APPLY 3

// torch.optim.SGD. keep = 1 - dampening; negLr = -lr.
__device__ __forceinline__ void sgdUpdate(float& p, float g, float& buf, float negLr, float momentum, float keep,
                                          float wd, int nesterov, int firstStep) {
    if (wd != 0.f) g = __fmaf_rn(p, wd, g);
    if (momentum != 0.f) {
        buf = firstStep ? g : __fmaf_rn(g, keep, __fmul_rn(buf, momentum));
        g = nesterov ? __fmaf_rn(buf, momentum, g) : buf;
    }
    p = __fmaf_rn(g, negLr, p);
}

extern "C" __global__ void sgd_step(i64 n, float* p, const float* g, float* buf, const float* s, float momentum,
                                    float keep, float wd, int nesterov) {
    if (s[SGD_APPLY] == 0.f) return; // the guard skipped this step
    float negLr = -s[SGD_LR];
    int firstStep = s[SGD_FIRST_STEP] != 0.f;
    GRID_STRIDE(i, n) {
        float b = momentum != 0.f ? buf[i] : 0.f;
        float pi = p[i];
        sgdUpdate(pi, g[i], b, negLr, momentum, keep, wd, nesterov, firstStep);
        p[i] = pi;
        if (momentum != 0.f) buf[i] = b;
    }
}

extern "C" __global__ void sgd_step_vec4(i64 n4, float4* p, const float4* g, float4* buf, const float* s,
                                         float momentum, float keep, float wd, int nesterov) {
    if (s[SGD_APPLY] == 0.f) return; // the guard skipped this step
    float negLr = -s[SGD_LR];
    int firstStep = s[SGD_FIRST_STEP] != 0.f;
    GRID_STRIDE(i, n4) {
        float4 pv = p[i], gv = g[i];
        float4 bv = momentum != 0.f ? buf[i] : make_float4(0.f, 0.f, 0.f, 0.f);
        sgdUpdate(pv.x, gv.x, bv.x, negLr, momentum, keep, wd, nesterov, firstStep);
        sgdUpdate(pv.y, gv.y, bv.y, negLr, momentum, keep, wd, nesterov, firstStep);
        sgdUpdate(pv.z, gv.z, bv.z, negLr, momentum, keep, wd, nesterov, firstStep);
        sgdUpdate(pv.w, gv.w, bv.w, negLr, momentum, keep, wd, nesterov, firstStep);
        p[i] = pv;
        if (momentum != 0.f) buf[i] = bv;
    }
}

// torch.optim.Adam / AdamW (_single_tensor_adam). w1 = 1 - beta1, w2 = 1 - beta2, l2 = Adam's weight decay (0 for
// AdamW, whose decay is the per-step factor); negStep = -lr / (1 - beta1^t), bc2Sqrt = sqrt(1 - beta2^t).
__device__ __forceinline__ void adamUpdate(float& p, float g, float& m, float& v, float& vmax, float w1, float beta2,
                                           float w2, float eps, float l2, int amsgrad, float negStep, float bc2Sqrt,
                                           float decay) {
    p = __fmul_rn(p, decay);
    if (l2 != 0.f) g = __fmaf_rn(p, l2, g);
    m = __fmaf_rn(w1, __fsub_rn(g, m), m);
    v = __fmaf_rn(__fmul_rn(w2, g), g, __fmul_rn(v, beta2));
    float second = v;
    if (amsgrad) { vmax = fmaxf(vmax, v); second = vmax; }
    float denom = __fadd_rn(__fdiv_rn(__fsqrt_rn(second), bc2Sqrt), eps);
    p = __fadd_rn(p, __fdiv_rn(__fmul_rn(negStep, m), denom));
}

extern "C" __global__ void adam_step(i64 n, float* p, const float* g, float* m, float* v, float* vmax, const float* s,
                                     float w1, float beta2, float w2, float eps, float l2, int amsgrad) {
    if (s[ADAM_APPLY] == 0.f) return; // the guard skipped this step
    float negStep = -s[ADAM_STEP_SIZE], bc2Sqrt = s[ADAM_BC2_SQRT], decay = s[ADAM_DECAY];
    GRID_STRIDE(i, n) {
        float pi = p[i], mi = m[i], vi = v[i], mx = amsgrad ? vmax[i] : 0.f;
        adamUpdate(pi, g[i], mi, vi, mx, w1, beta2, w2, eps, l2, amsgrad, negStep, bc2Sqrt, decay);
        p[i] = pi; m[i] = mi; v[i] = vi;
        if (amsgrad) vmax[i] = mx;
    }
}

extern "C" __global__ void adam_step_vec4(i64 n4, float4* p, const float4* g, float4* m, float4* v, float4* vmax,
                                          const float* s, float w1, float beta2, float w2, float eps, float l2,
                                          int amsgrad) {
    if (s[ADAM_APPLY] == 0.f) return; // the guard skipped this step
    float negStep = -s[ADAM_STEP_SIZE], bc2Sqrt = s[ADAM_BC2_SQRT], decay = s[ADAM_DECAY];
    GRID_STRIDE(i, n4) {
        float4 pv = p[i], gv = g[i], mv = m[i], vv = v[i];
        float4 xv = amsgrad ? vmax[i] : make_float4(0.f, 0.f, 0.f, 0.f);
        adamUpdate(pv.x, gv.x, mv.x, vv.x, xv.x, w1, beta2, w2, eps, l2, amsgrad, negStep, bc2Sqrt, decay);
        adamUpdate(pv.y, gv.y, mv.y, vv.y, xv.y, w1, beta2, w2, eps, l2, amsgrad, negStep, bc2Sqrt, decay);
        adamUpdate(pv.z, gv.z, mv.z, vv.z, xv.z, w1, beta2, w2, eps, l2, amsgrad, negStep, bc2Sqrt, decay);
        adamUpdate(pv.w, gv.w, mv.w, vv.w, xv.w, w1, beta2, w2, eps, l2, amsgrad, negStep, bc2Sqrt, decay);
        p[i] = pv; m[i] = mv; v[i] = vv;
        if (amsgrad) vmax[i] = xv;
    }
}

// The guard between the loss and an update: flag[0] = 1 when every values[i] is finite (and, with andFlag, flag[0]
// was non-zero), else 0. One block: the values are a step's few losses. Finiteness is read from the exponent bits,
// which no fast-math contraction can fold away.
extern "C" __global__ void finite_flag(i64 n, const float* values, float* flag, int andFlag) {
    int finite = 1;
    for (i64 i = threadIdx.x; i < n; i += blockDim.x) {
        if ((__float_as_uint(values[i]) & 0x7f800000u) == 0x7f800000u) finite = 0;
    }
    finite = __syncthreads_and(finite);
    if (threadIdx.x == 0) flag[0] = finite && (!andFlag || flag[0] != 0.f) ? 1.f : 0.f;
}

// Gradient clipping (torch.nn.utils.clip_grad_norm_), stage 1: one double partial sum of squares per block.
extern "C" __global__ void clip_norm_partial(i64 n, const float* x, double* partials) {
    __shared__ double shared[32];
    double acc = 0.0;
    GRID_STRIDE(i, n) { double xi = x[i]; acc += xi * xi; }
    acc = blockSumD(acc, shared);
    if (threadIdx.x == 0) partials[blockIdx.x] = acc;
}

// Stage 2, one block: norm[0] = sqrt(sum of the partials), rounded to float.
extern "C" __global__ void clip_norm_finish(const double* partials, int count, float* norm) {
    __shared__ double shared[32];
    double acc = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) acc += partials[i];
    acc = blockSumD(acc, shared);
    if (threadIdx.x == 0) norm[0] = (float)sqrt(acc);
}

// Stage 3: x *= min(1, (1 / (norm + 1e-6)) * maxNorm), torch's float arithmetic (max_norm / t is t.reciprocal() * max_norm).
extern "C" __global__ void clip_scale(i64 n, float* x, const float* norm, float maxNorm) {
    float factor = fminf(1.f, __fmul_rn(__frcp_rn(__fadd_rn(norm[0], 1e-6f)), maxNorm));
    GRID_STRIDE(i, n) x[i] = __fmul_rn(x[i], factor);
}
