// Activations cuDNN's activation descriptor lacks (SiLU too: the bindings lack cudnnSetActivationDescriptorSwishBeta). `kind` values match CudaActivations.kernelCode.
#define ACT_LEAKY_RELU 0
#define ACT_HARD_SIGMOID 1
#define ACT_HARD_SWISH 2
#define ACT_GELU_TANH 3
#define ACT_GELU_ERF 4
#define ACT_SILU 5

#define SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_C 0.044715f
#define INV_SQRT2 0.7071067811865476f
#define INV_SQRT_2PI 0.3989422804014327f

__device__ __forceinline__ float act(int kind, float x, float slope) {
    switch (kind) {
        case ACT_LEAKY_RELU: return x > 0.f ? x : slope * x;
        case ACT_HARD_SIGMOID: return fminf(fmaxf(x + 3.f, 0.f), 6.f) / 6.f;
        case ACT_HARD_SWISH: return x * fminf(fmaxf(x + 3.f, 0.f), 6.f) / 6.f;
        case ACT_GELU_TANH: return 0.5f * x * (1.f + tanhf(SQRT_2_OVER_PI * (x + GELU_C * x * x * x)));
        case ACT_SILU: return x / (1.f + expf(-x));
        default: return 0.5f * x * (1.f + erff(x * INV_SQRT2));
    }
}

// d act / dx, with PyTorch's conventions at the kinks.
__device__ __forceinline__ float actGrad(int kind, float x, float slope) {
    switch (kind) {
        case ACT_LEAKY_RELU: return x > 0.f ? 1.f : slope;
        case ACT_HARD_SIGMOID: return (x > -3.f && x < 3.f) ? 1.f / 6.f : 0.f;
        case ACT_HARD_SWISH: return x < -3.f ? 0.f : (x <= 3.f ? x / 3.f + 0.5f : 1.f);
        case ACT_GELU_TANH: {
            float inner = SQRT_2_OVER_PI * (x + GELU_C * x * x * x);
            float t = tanhf(inner);
            return 0.5f * (1.f + t) + 0.5f * x * (1.f - t * t) * SQRT_2_OVER_PI * (1.f + 3.f * GELU_C * x * x);
        }
        case ACT_SILU: { float s = 1.f / (1.f + expf(-x)); return s * (1.f + x * (1.f - s)); }
        default: return 0.5f * (1.f + erff(x * INV_SQRT2)) + x * INV_SQRT_2PI * expf(-0.5f * x * x);
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

// dx = alpha * act'(x) * dy + beta * dx
extern "C" __global__ void activation_backward(int kind, float slope, Walk w, float alpha, Ref x, Ref dy, float beta, Ref dx) {
    GRID_STRIDE(i, w.N * w.C * w.HW) {
        i64 di = at(w, dx, i);
        float g = actGrad(kind, get(x, at(w, x, i)), slope) * get(dy, at(w, dy, i));
        float old = beta == 0.f ? 0.f : get(dx, di);
        put(dx, di, blend(alpha, g, beta, old));
    }
}
