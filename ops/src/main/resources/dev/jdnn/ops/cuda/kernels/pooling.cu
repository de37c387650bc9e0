// Pooling with PyTorch's exact semantics, used where cuDNN differs: adaptive average pooling, and ceil-mode windows
// that run past the padded input (cuDNN sizes outputs with floor and divides by the full window).
// Operands are batch-strided NCHW: plane (n, c) of x starts at n * xStride + c * H * W.
#define POOL_MAX 0
#define POOL_AVG_INCLUDE_PAD 1
#define POOL_AVG_EXCLUDE_PAD 2

struct Geometry { int channels, H, W, OH, OW, kH, kW, sH, sW, pH, pW; };

__device__ __forceinline__ const float* planeOf(const float* t, i64 stride, int plane, int channels, i64 hw) {
    return t + (i64)(plane / channels) * stride + (i64)(plane % channels) * hw;
}

// Average divisor of output (oh, ow) as torch.nn.functional.avg_pool2d computes it.
__device__ __forceinline__ float avgDivisor(const Geometry& g, int mode, int oh, int ow) {
    int hs = oh * g.sH - g.pH, ws = ow * g.sW - g.pW;
    int he = min(hs + g.kH, g.H + g.pH), we = min(ws + g.kW, g.W + g.pW);
    int full = (he - hs) * (we - ws);
    hs = max(hs, 0); ws = max(ws, 0); he = min(he, g.H); we = min(we, g.W);
    return (float)(mode == POOL_AVG_INCLUDE_PAD ? full : (he - hs) * (we - ws));
}

// Flat index within the plane of the first maximum of window (oh, ow); NaN wins, as in PyTorch.
__device__ __forceinline__ int argMax(const Geometry& g, const float* xp, int oh, int ow) {
    int hs = oh * g.sH - g.pH, ws = ow * g.sW - g.pW;
    int he = min(hs + g.kH, g.H), we = min(ws + g.kW, g.W);
    hs = max(hs, 0); ws = max(ws, 0);
    float best = NEG_INF;
    int arg = hs * g.W + ws;
    for (int h = hs; h < he; h++)
        for (int w = ws; w < we; w++) {
            float v = xp[h * g.W + w];
            if (v > best || v != v) { best = v; arg = h * g.W + w; if (v != v) return arg; }
        }
    return arg;
}

extern "C" __global__ void pool_forward(Geometry g, int mode, int planes, float alpha, const float* x, i64 xStride,
                                        float beta, float* y, i64 yStride) {
    i64 ohw = (i64)g.OH * g.OW, hw = (i64)g.H * g.W;
    GRID_STRIDE(i, (i64)planes * ohw) {
        int plane = (int)(i / ohw), oh = (int)((i % ohw) / g.OW), ow = (int)(i % g.OW);
        const float* xp = planeOf(x, xStride, plane, g.channels, hw);
        float v;
        if (mode == POOL_MAX) {
            v = xp[argMax(g, xp, oh, ow)];
        } else {
            int hs = max(oh * g.sH - g.pH, 0), ws = max(ow * g.sW - g.pW, 0);
            int he = min(oh * g.sH - g.pH + g.kH, g.H), we = min(ow * g.sW - g.pW + g.kW, g.W);
            float s = 0.f;
            for (int h = hs; h < he; h++) for (int w = ws; w < we; w++) s += xp[h * g.W + w];
            v = s / avgDivisor(g, mode, oh, ow);
        }
        float* yp = (float*)planeOf(y, yStride, plane, g.channels, ohw) + (i % ohw);
        *yp = blend(alpha, v, beta, *yp);
    }
}

// Gather formulation (one thread per input element, no atomics, deterministic).
extern "C" __global__ void pool_backward(Geometry g, int mode, int planes, float alpha, const float* x, i64 xStride,
                                         const float* dy, i64 dyStride, float beta, float* dx, i64 dxStride) {
    i64 ohw = (i64)g.OH * g.OW, hw = (i64)g.H * g.W;
    GRID_STRIDE(i, (i64)planes * hw) {
        int plane = (int)(i / hw), h = (int)((i % hw) / g.W), w = (int)(i % g.W);
        const float* xp = planeOf(x, xStride, plane, g.channels, hw);
        const float* dyp = planeOf(dy, dyStride, plane, g.channels, ohw);
        int ohLo = (h + g.pH < g.kH) ? 0 : (h + g.pH - g.kH) / g.sH + 1, ohHi = min((h + g.pH) / g.sH + 1, g.OH);
        int owLo = (w + g.pW < g.kW) ? 0 : (w + g.pW - g.kW) / g.sW + 1, owHi = min((w + g.pW) / g.sW + 1, g.OW);
        float grad = 0.f;
        for (int oh = ohLo; oh < ohHi; oh++)
            for (int ow = owLo; ow < owHi; ow++) {
                if (mode == POOL_MAX) {
                    if (argMax(g, xp, oh, ow) == h * g.W + w) grad += dyp[oh * g.OW + ow];
                } else {
                    grad += dyp[oh * g.OW + ow] / avgDivisor(g, mode, oh, ow);
                }
            }
        float* dxp = (float*)planeOf(dx, dxStride, plane, g.channels, hw) + (i % hw);
        *dxp = blend(alpha, grad, beta, *dxp);
    }
}

// torch.nn.AdaptiveAvgPool2d cells: [floor(i*H/OH), ceil((i+1)*H/OH)).
__device__ __forceinline__ int cellStart(int i, int in, int out) { return (int)(((i64)i * in) / out); }
__device__ __forceinline__ int cellEnd(int i, int in, int out) { return (int)(((i64)(i + 1) * in + out - 1) / out); }

extern "C" __global__ void adaptive_avg_forward(Geometry g, int planes, float alpha, const float* x, i64 xStride,
                                                float beta, float* y, i64 yStride) {
    i64 ohw = (i64)g.OH * g.OW, hw = (i64)g.H * g.W;
    GRID_STRIDE(i, (i64)planes * ohw) {
        int plane = (int)(i / ohw), oh = (int)((i % ohw) / g.OW), ow = (int)(i % g.OW);
        const float* xp = planeOf(x, xStride, plane, g.channels, hw);
        int hs = cellStart(oh, g.H, g.OH), he = cellEnd(oh, g.H, g.OH);
        int ws = cellStart(ow, g.W, g.OW), we = cellEnd(ow, g.W, g.OW);
        float s = 0.f;
        for (int h = hs; h < he; h++) for (int w = ws; w < we; w++) s += xp[h * g.W + w];
        float* yp = (float*)planeOf(y, yStride, plane, g.channels, ohw) + (i % ohw);
        *yp = blend(alpha, s / ((he - hs) * (we - ws)), beta, *yp);
    }
}

extern "C" __global__ void adaptive_avg_backward(Geometry g, int planes, float alpha, const float* dy, i64 dyStride,
                                                 float beta, float* dx, i64 dxStride) {
    i64 ohw = (i64)g.OH * g.OW, hw = (i64)g.H * g.W;
    GRID_STRIDE(i, (i64)planes * hw) {
        int plane = (int)(i / hw), h = (int)((i % hw) / g.W), w = (int)(i % g.W);
        const float* dyp = planeOf(dy, dyStride, plane, g.channels, ohw);
        // Cells overlapping row h lie within [h*OH/H - 1, (h+1)*OH/H + 1]; test each exactly.
        int ohLo = max((int)(((i64)h * g.OH) / g.H) - 1, 0), ohHi = min((int)(((i64)(h + 1) * g.OH) / g.H) + 2, g.OH);
        int owLo = max((int)(((i64)w * g.OW) / g.W) - 1, 0), owHi = min((int)(((i64)(w + 1) * g.OW) / g.W) + 2, g.OW);
        float grad = 0.f;
        for (int oh = ohLo; oh < ohHi; oh++) {
            int hs = cellStart(oh, g.H, g.OH), he = cellEnd(oh, g.H, g.OH);
            if (h < hs || h >= he) continue;
            for (int ow = owLo; ow < owHi; ow++) {
                int ws = cellStart(ow, g.W, g.OW), we = cellEnd(ow, g.W, g.OW);
                if (w < ws || w >= we) continue;
                grad += dyp[oh * g.OW + ow] / ((he - hs) * (we - ws));
            }
        }
        float* dxp = (float*)planeOf(dx, dxStride, plane, g.channels, hw) + (i % hw);
        *dxp = blend(alpha, grad, beta, *dxp);
    }
}
