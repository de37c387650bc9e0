// Every pointwise activation but IDENTITY, on Walk/Ref operands (common.cuh: NCHW or NHWC, channel slices of a concat
// buffer too, any storage type, float32 arithmetic) and in place: each thread reads its element before writing it. `kind` values match CudaActivations.kernelCode. The
// semantics are the CPU backend's (ActivationKernels): NaN propagates through the forward, and the derivatives at
// the kinks are PyTorch's (ReLU'(0) = 0; ReLU6' = 0 at 0 and 6, as hardtanh_backward: x <= 0 or x >= 6 gives 0).
#define ACT_LEAKY_RELU 0
#define ACT_HARD_SIGMOID 1
#define ACT_HARD_SWISH 2
#define ACT_GELU_TANH 3
#define ACT_GELU_ERF 4
#define ACT_SILU 5
#define ACT_RELU 6
#define ACT_RELU6 7
#define ACT_SIGMOID 8
#define ACT_TANH 9

#define SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_C 0.044715f
#define INV_SQRT2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

__device__ __forceinline__ float act(int kind, float x, float slope) {
    switch (kind) {
        case ACT_RELU: return x > 0.f ? x : (x != x ? x : 0.f);
        case ACT_RELU6: return x > 0.f ? fminf(x, 6.f) : (x != x ? x : 0.f);
        case ACT_SIGMOID: return 1.f / (1.f + expf(-x));
        case ACT_TANH: return tanhf(x);
        case ACT_LEAKY_RELU: return x > 0.f ? x : slope * x;
        case ACT_HARD_SIGMOID: return fminf(fmaxf(x + 3.f, 0.f), 6.f) / 6.f;
        case ACT_HARD_SWISH: return x * fminf(fmaxf(x + 3.f, 0.f), 6.f) / 6.f;
        case ACT_GELU_TANH: return 0.5f * x * (1.f + tanhf(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
        case ACT_SILU: return x / (1.f + expf(-x));
        case ACT_GELU_ERF:
        default: return 0.5f * x * (1.f + erff(x * INV_SQRT2));
    }
}

// act'(x) * dy, with PyTorch's conventions at the kinks. The gated kinds select dy or +0 (threshold_backward and
// hardtanh_backward do; a product 0 * dy would give -0 for negative dy). Sigmoid and tanh take act' from y = act(x),
// as the CPU does.
__device__ __forceinline__ float actBackward(int kind, float x, float y, float dy, float slope) {
    switch (kind) {
        case ACT_RELU: return x > 0.f ? dy : 0.f;
        case ACT_RELU6: return (x > 0.f && x < 6.f) ? dy : 0.f;
        case ACT_HARD_SIGMOID: return ((x > -3.f && x < 3.f) ? dy : 0.f) * (1.f / 6.f);
        case ACT_SIGMOID: return y * (1.f - y) * dy;
        case ACT_TANH: return (1.f - y * y) * dy;
        case ACT_LEAKY_RELU: return (x > 0.f ? 1.f : slope) * dy;
        case ACT_HARD_SWISH: return (x < -3.f ? 0.f : (x <= 3.f ? x / 3.f + 0.5f : 1.f)) * dy;
        case ACT_GELU_TANH: {
            float inner = SQRT_2_OVER_PI * (x + GELU_C * x * x * x);
            float t = tanhf(inner);
            return (0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * SQRT_2_OVER_PI * (1.f + 3.f * GELU_C * x * x)) * dy;
        }
        case ACT_SILU: { float s = 1.f / (1.f + expf(-x)); return s * (1.f + x * (1.f - s)) * dy; }
        case ACT_GELU_ERF:
        default: return (0.5f * (1.f + erff(x * INV_SQRT2)) + x * INV_SQRT_2PI * expf(-0.5f * x * x)) * dy;
    }
}

// y = alpha * act(x) + beta * y
extern "C" __global__ void activation_forward(int kind, float slope, Walk w, float alpha, Ref x, float beta, Ref y) {
    GRID_STRIDE(i, w.N * w.C * w.HW) {
        i64 yi = at(w, y, i);
        float old = beta == 0.f ? 0.f : get(y, yi);
        put(y, yi, blend(alpha, act(kind, get(x, at(w, x, i)), slope), beta, old));
    }
}

// dx = alpha * act'(x) * dy + beta * dx. x and y may be one buffer (an in-place ReLU or ReLU6, whose gate is the
// same read from y), and dx may alias dy.
extern "C" __global__ void activation_backward(int kind, float slope, Walk w, float alpha, Ref x, Ref y, Ref dy, float beta, Ref dx) {
    GRID_STRIDE(i, w.N * w.C * w.HW) {
        i64 di = at(w, dx, i);
        float g = actBackward(kind, get(x, at(w, x, i)), get(y, at(w, y, i)), get(dy, at(w, dy, i)), slope);
        float old = beta == 0.f ? 0.f : get(dx, di);
        put(dx, di, blend(alpha, g, beta, old));
    }
}
