// Fused optimizer updates with torch.optim semantics over flat contiguous buffers. The *_vec4 variants process
// float4s and are launched only when n % 4 == 0 and every pointer is 16-byte aligned (checked on the host).
// The *_scalars variants read the per-step scalars (learning rate, first-step flag, Adam's bias corrections) from a
// small device array the host writes before each step (dev.jdnn.ops.OptimizerScalars' layout, indices below), so a
// CUDA graph that recorded the update replays it with the current values; the arithmetic is the same. When the
// apply slot is 0 (written by finite_flag below: the step's loss was NaN or infinite) they change nothing.
#define SGD_LR 0
#define SGD_FIRST_STEP 1
#define SGD_APPLY 2
#define ADAM_LR 0
#define ADAM_STEP_SIZE 1
#define ADAM_BC2_SQRT 2
#define ADAM_APPLY 3

// torch.optim.SGD: g += wd*p; buf = first ? g : momentum*buf + (1-dampening)*g; g = nesterov ? g + momentum*buf : buf
__device__ __forceinline__ void sgdUpdate(float& p, float g, float& buf, float lr, float momentum, float dampening,
                                          float wd, int nesterov, int firstStep) {
    if (wd != 0.f) g += wd * p;
    if (momentum != 0.f) {
        buf = firstStep ? g : momentum * buf + (1.f - dampening) * g;
        g = nesterov ? g + momentum * buf : buf;
    }
    p -= lr * g;
}

__device__ __forceinline__ void sgdRun(i64 n, float* p, const float* g, float* buf, float lr, float momentum,
                                       float dampening, float wd, int nesterov, int firstStep) {
    GRID_STRIDE(i, n) {
        float b = momentum != 0.f ? buf[i] : 0.f;
        float pi = p[i];
        sgdUpdate(pi, g[i], b, lr, momentum, dampening, wd, nesterov, firstStep);
        p[i] = pi;
        if (momentum != 0.f) buf[i] = b;
    }
}

__device__ __forceinline__ void sgdRun4(i64 n4, float4* p, const float4* g, float4* buf, float lr, float momentum,
                                        float dampening, float wd, int nesterov, int firstStep) {
    GRID_STRIDE(i, n4) {
        float4 pv = p[i], gv = g[i];
        float4 bv = momentum != 0.f ? buf[i] : make_float4(0.f, 0.f, 0.f, 0.f);
        sgdUpdate(pv.x, gv.x, bv.x, lr, momentum, dampening, wd, nesterov, firstStep);
        sgdUpdate(pv.y, gv.y, bv.y, lr, momentum, dampening, wd, nesterov, firstStep);
        sgdUpdate(pv.z, gv.z, bv.z, lr, momentum, dampening, wd, nesterov, firstStep);
        sgdUpdate(pv.w, gv.w, bv.w, lr, momentum, dampening, wd, nesterov, firstStep);
        p[i] = pv;
        if (momentum != 0.f) buf[i] = bv;
    }
}

extern "C" __global__ void sgd_step(i64 n, float* p, const float* g, float* buf, float lr, float momentum,
                                    float dampening, float wd, int nesterov, int firstStep) {
    sgdRun(n, p, g, buf, lr, momentum, dampening, wd, nesterov, firstStep);
}

extern "C" __global__ void sgd_step_vec4(i64 n4, float4* p, const float4* g, float4* buf, float lr, float momentum,
                                         float dampening, float wd, int nesterov, int firstStep) {
    sgdRun4(n4, p, g, buf, lr, momentum, dampening, wd, nesterov, firstStep);
}

extern "C" __global__ void sgd_step_scalars(i64 n, float* p, const float* g, float* buf, const float* s,
                                            float momentum, float dampening, float wd, int nesterov) {
    if (s[SGD_APPLY] == 0.f) return; // the guard skipped this step
    sgdRun(n, p, g, buf, s[SGD_LR], momentum, dampening, wd, nesterov, s[SGD_FIRST_STEP] != 0.f);
}

extern "C" __global__ void sgd_step_scalars_vec4(i64 n4, float4* p, const float4* g, float4* buf, const float* s,
                                                 float momentum, float dampening, float wd, int nesterov) {
    if (s[SGD_APPLY] == 0.f) return; // the guard skipped this step
    sgdRun4(n4, p, g, buf, s[SGD_LR], momentum, dampening, wd, nesterov, s[SGD_FIRST_STEP] != 0.f);
}

// torch.optim.Adam / AdamW. stepSize = lr / (1 - beta1^t) and bc2Sqrt = sqrt(1 - beta2^t) are computed on the host
// in double. decoupled: p *= 1 - lr*wd (AdamW); otherwise g += wd*p (Adam's L2).
__device__ __forceinline__ void adamUpdate(float& p, float g, float& m, float& v, float& vmax, float lr, float beta1,
                                           float beta2, float eps, float wd, int decoupled, int amsgrad,
                                           float stepSize, float bc2Sqrt) {
    if (wd != 0.f) {
        if (decoupled) p *= 1.f - lr * wd; else g += wd * p;
    }
    m = beta1 * m + (1.f - beta1) * g;
    v = beta2 * v + (1.f - beta2) * g * g;
    float denomSq = v;
    if (amsgrad) { vmax = fmaxf(vmax, v); denomSq = vmax; }
    p -= stepSize * m / (sqrtf(denomSq) / bc2Sqrt + eps);
}

__device__ __forceinline__ void adamRun(i64 n, float* p, const float* g, float* m, float* v, float* vmax, float lr,
                                        float beta1, float beta2, float eps, float wd, int decoupled, int amsgrad,
                                        float stepSize, float bc2Sqrt) {
    GRID_STRIDE(i, n) {
        float pi = p[i], mi = m[i], vi = v[i], mx = amsgrad ? vmax[i] : 0.f;
        adamUpdate(pi, g[i], mi, vi, mx, lr, beta1, beta2, eps, wd, decoupled, amsgrad, stepSize, bc2Sqrt);
        p[i] = pi; m[i] = mi; v[i] = vi;
        if (amsgrad) vmax[i] = mx;
    }
}

__device__ __forceinline__ void adamRun4(i64 n4, float4* p, const float4* g, float4* m, float4* v, float4* vmax,
                                         float lr, float beta1, float beta2, float eps, float wd, int decoupled,
                                         int amsgrad, float stepSize, float bc2Sqrt) {
    GRID_STRIDE(i, n4) {
        float4 pv = p[i], gv = g[i], mv = m[i], vv = v[i];
        float4 xv = amsgrad ? vmax[i] : make_float4(0.f, 0.f, 0.f, 0.f);
        adamUpdate(pv.x, gv.x, mv.x, vv.x, xv.x, lr, beta1, beta2, eps, wd, decoupled, amsgrad, stepSize, bc2Sqrt);
        adamUpdate(pv.y, gv.y, mv.y, vv.y, xv.y, lr, beta1, beta2, eps, wd, decoupled, amsgrad, stepSize, bc2Sqrt);
        adamUpdate(pv.z, gv.z, mv.z, vv.z, xv.z, lr, beta1, beta2, eps, wd, decoupled, amsgrad, stepSize, bc2Sqrt);
        adamUpdate(pv.w, gv.w, mv.w, vv.w, xv.w, lr, beta1, beta2, eps, wd, decoupled, amsgrad, stepSize, bc2Sqrt);
        p[i] = pv; m[i] = mv; v[i] = vv;
        if (amsgrad) vmax[i] = xv;
    }
}

extern "C" __global__ void adam_step(i64 n, float* p, const float* g, float* m, float* v, float* vmax, float lr,
                                     float beta1, float beta2, float eps, float wd, int decoupled, int amsgrad,
                                     float stepSize, float bc2Sqrt) {
    adamRun(n, p, g, m, v, vmax, lr, beta1, beta2, eps, wd, decoupled, amsgrad, stepSize, bc2Sqrt);
}

extern "C" __global__ void adam_step_vec4(i64 n4, float4* p, const float4* g, float4* m, float4* v, float4* vmax,
                                          float lr, float beta1, float beta2, float eps, float wd, int decoupled,
                                          int amsgrad, float stepSize, float bc2Sqrt) {
    adamRun4(n4, p, g, m, v, vmax, lr, beta1, beta2, eps, wd, decoupled, amsgrad, stepSize, bc2Sqrt);
}

extern "C" __global__ void adam_step_scalars(i64 n, float* p, const float* g, float* m, float* v, float* vmax,
                                             const float* s, float beta1, float beta2, float eps, float wd,
                                             int decoupled, int amsgrad) {
    if (s[ADAM_APPLY] == 0.f) return; // the guard skipped this step
    adamRun(n, p, g, m, v, vmax, s[ADAM_LR], beta1, beta2, eps, wd, decoupled, amsgrad, s[ADAM_STEP_SIZE], s[ADAM_BC2_SQRT]);
}

extern "C" __global__ void adam_step_scalars_vec4(i64 n4, float4* p, const float4* g, float4* m, float4* v,
                                                  float4* vmax, const float* s, float beta1, float beta2, float eps,
                                                  float wd, int decoupled, int amsgrad) {
    if (s[ADAM_APPLY] == 0.f) return; // the guard skipped this step
    adamRun4(n4, p, g, m, v, vmax, s[ADAM_LR], beta1, beta2, eps, wd, decoupled, amsgrad, s[ADAM_STEP_SIZE], s[ADAM_BC2_SQRT]);
}

// The guard between the loss and a *_scalars update: flag[0] = 1 when every values[i] is finite (and, with andFlag,
// flag[0] was non-zero), else 0. One block: the values are a step's few losses. Finiteness is read from the exponent
// bits, which no fast-math contraction can fold away.
extern "C" __global__ void finite_flag(i64 n, const float* values, float* flag, int andFlag) {
    int finite = 1;
    for (i64 i = threadIdx.x; i < n; i += blockDim.x) {
        if ((__float_as_uint(values[i]) & 0x7f800000u) == 0x7f800000u) finite = 0;
    }
    finite = __syncthreads_and(finite);
    if (threadIdx.x == 0) flag[0] = finite && (!andFlag || flag[0] != 0.f) ? 1.f : 0.f;
}
