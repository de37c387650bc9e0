// Cross-channel LRN with PyTorch's LocalResponseNorm window: channel c sums x^2 over [c - size/2, c + (size-1)/2]
// (clipped to [0, C)), s_c = k + alpha/size * sum, y_c = x_c * s_c^-beta. Used where cuDNN differs: its window is
// [c - (size-1)/2, c + size/2] (cudnn_ops.h, cudnnSetLRNDescriptor), which for even sizes looks one channel further
// ahead than behind, and where the spec is outside cuDNN's limits (size > 16, k < 1e-5, beta < 0.01).
// Operands are batch-strided NCHW: element (n, c, p) of x sits at n * xStride + c * hw + p.

// s_c at one pixel; xp points at channel 0 of that pixel.
__device__ __forceinline__ float lrnScale(const float* xp, i64 hw, int channels, int c, int size, float alphaOverSize, float k) {
    int lo = max(c - size / 2, 0), hi = min(c + (size - 1) / 2, channels - 1);
    float s = 0.f;
    for (int j = lo; j <= hi; j++) { float v = xp[(i64)j * hw]; s += v * v; }
    return k + alphaOverSize * s;
}

// y = alpha * lrn(x) + beta * y
extern "C" __global__ void lrn_forward(i64 n, int channels, i64 hw, int size, float alphaOverSize, float lrnBeta, float k,
                                       float alpha, const float* x, i64 xStride, float beta, float* y, i64 yStride) {
    i64 sample = (i64)channels * hw;
    GRID_STRIDE(i, n) {
        i64 b = i / sample, r = i % sample, p = r % hw;
        int c = (int)(r / hw);
        const float* xp = x + b * xStride + p;
        float v = xp[(i64)c * hw] * powf(lrnScale(xp, hw, channels, c, size, alphaOverSize, k), -lrnBeta);
        i64 yi = b * yStride + r;
        y[yi] = blend(alpha, v, beta, y[yi]);
    }
}

// dx_i = dy_i * s_i^-beta - 2*alpha*beta/size * x_i * sum_{c : i in window(c)} dy_c * x_c * s_c^(-beta-1),
// where i is in window(c) exactly when c lies in [i - (size-1)/2, i + size/2]. Gather form: no atomics.
extern "C" __global__ void lrn_backward(i64 n, int channels, i64 hw, int size, float alphaOverSize, float lrnBeta, float k,
                                        float alpha, const float* x, i64 xStride, const float* dy, i64 dyStride,
                                        float beta, float* dx, i64 dxStride) {
    i64 sample = (i64)channels * hw;
    GRID_STRIDE(i, n) {
        i64 b = i / sample, r = i % sample, p = r % hw;
        int ci = (int)(r / hw);
        const float* xp = x + b * xStride + p;
        const float* gp = dy + b * dyStride + p;
        int lo = max(ci - (size - 1) / 2, 0), hi = min(ci + size / 2, channels - 1);
        float cross = 0.f;
        for (int c = lo; c <= hi; c++) {
            float s = lrnScale(xp, hw, channels, c, size, alphaOverSize, k);
            cross += gp[(i64)c * hw] * xp[(i64)c * hw] * powf(s, -lrnBeta - 1.f);
        }
        float si = lrnScale(xp, hw, channels, ci, size, alphaOverSize, k);
        float g = gp[(i64)ci * hw] * powf(si, -lrnBeta) - 2.f * alphaOverSize * lrnBeta * xp[(i64)ci * hw] * cross;
        i64 di = b * dxStride + r;
        dx[di] = blend(alpha, g, beta, dx[di]);
    }
}
