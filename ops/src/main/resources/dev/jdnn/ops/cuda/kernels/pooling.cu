// Pooling with PyTorch's exact semantics, used where cuDNN differs: adaptive average pooling, and ceil-mode windows
// that run past the padded input (cuDNN sizes outputs with floor and divides by the full window).
// Operands are Refs (common.cuh), NCHW or NHWC, any storage type: pixel (h, w) of plane (b, c) of x sits at
// b * x.n + c * x.c + (h * W + w) * x.s. Threads walk the output (forward) or the input (backward) in the memory
// order of the format (the Walk's channelsLast).
#define POOL_MAX 0
#define POOL_AVG_INCLUDE_PAD 1
#define POOL_AVG_EXCLUDE_PAD 2

struct Geometry { int channels, H, W, OH, OW, kH, kW, sH, sW, pH, pW; };

// Average divisor of output (oh, ow) as torch.nn.functional.avg_pool2d computes it.
__device__ __forceinline__ float avgDivisor(const Geometry& g, int mode, int oh, int ow) {
    int hs = oh * g.sH - g.pH, ws = ow * g.sW - g.pW;
    int he = min(hs + g.kH, g.H + g.pH), we = min(ws + g.kW, g.W + g.pW);
    int full = (he - hs) * (we - ws);
    hs = max(hs, 0); ws = max(ws, 0); he = min(he, g.H); we = min(we, g.W);
    return (float)(mode == POOL_AVG_INCLUDE_PAD ? full : (he - hs) * (we - ws));
}

// Pixel index (h * W + w) of the first maximum of window (oh, ow) of the plane at offset xo; NaN wins, as in PyTorch.
__device__ __forceinline__ int argMax(const Geometry& g, const Ref& x, i64 xo, int oh, int ow) {
    int hs = oh * g.sH - g.pH, ws = ow * g.sW - g.pW;
    int he = min(hs + g.kH, g.H), we = min(ws + g.kW, g.W);
    hs = max(hs, 0); ws = max(ws, 0);
    float best = NEG_INF;
    int arg = hs * g.W + ws;
    for (int h = hs; h < he; h++)
        for (int w = ws; w < we; w++) {
            float v = get(x, xo + (i64)(h * g.W + w) * x.s);
            if (v > best || v != v) { best = v; arg = h * g.W + w; if (v != v) return arg; }
        }
    return arg;
}

// out: the Walk over y ([N, C, OH*OW]).
extern "C" __global__ void pool_forward(Geometry g, int mode, Walk out, float alpha, Ref x, float beta, Ref y) {
    GRID_STRIDE(i, out.N * out.C * out.HW) {
        Pos q = posOf(out, i);
        int oh = (int)(q.px / g.OW), ow = (int)(q.px % g.OW);
        i64 xo = q.b * x.n + q.ch * x.c;
        float v;
        if (mode == POOL_MAX) {
            v = get(x, xo + (i64)argMax(g, x, xo, oh, ow) * x.s);
        } else {
            int hs = max(oh * g.sH - g.pH, 0), ws = max(ow * g.sW - g.pW, 0);
            int he = min(oh * g.sH - g.pH + g.kH, g.H), we = min(ow * g.sW - g.pW + g.kW, g.W);
            float s = 0.f;
            for (int h = hs; h < he; h++) for (int w = ws; w < we; w++) s += get(x, xo + (i64)(h * g.W + w) * x.s);
            v = s / avgDivisor(g, mode, oh, ow);
        }
        i64 yi = offOf(y, q);
        put(y, yi, blend(alpha, v, beta, beta == 0.f ? 0.f : get(y, yi)));
    }
}

// Gather formulation (one thread per input element, no atomics, deterministic). in: the Walk over x and dx.
extern "C" __global__ void pool_backward(Geometry g, int mode, Walk in, float alpha, Ref x, Ref dy, float beta, Ref dx) {
    GRID_STRIDE(i, in.N * in.C * in.HW) {
        Pos q = posOf(in, i);
        int h = (int)(q.px / g.W), w = (int)(q.px % g.W);
        i64 xo = q.b * x.n + q.ch * x.c, go = q.b * dy.n + q.ch * dy.c;
        int ohLo = (h + g.pH < g.kH) ? 0 : (h + g.pH - g.kH) / g.sH + 1, ohHi = min((h + g.pH) / g.sH + 1, g.OH);
        int owLo = (w + g.pW < g.kW) ? 0 : (w + g.pW - g.kW) / g.sW + 1, owHi = min((w + g.pW) / g.sW + 1, g.OW);
        float grad = 0.f;
        for (int oh = ohLo; oh < ohHi; oh++)
            for (int ow = owLo; ow < owHi; ow++) {
                float d = get(dy, go + (i64)(oh * g.OW + ow) * dy.s);
                if (mode == POOL_MAX) {
                    if (argMax(g, x, xo, oh, ow) == h * g.W + w) grad += d;
                } else {
                    grad += d / avgDivisor(g, mode, oh, ow);
                }
            }
        i64 di = offOf(dx, q);
        put(dx, di, blend(alpha, grad, beta, beta == 0.f ? 0.f : get(dx, di)));
    }
}

// torch.nn.AdaptiveAvgPool2d cells: [floor(i*H/OH), ceil((i+1)*H/OH)).
__device__ __forceinline__ int cellStart(int i, int in, int out) { return (int)(((i64)i * in) / out); }
__device__ __forceinline__ int cellEnd(int i, int in, int out) { return (int)(((i64)(i + 1) * in + out - 1) / out); }

extern "C" __global__ void adaptive_avg_forward(Geometry g, Walk out, float alpha, Ref x, float beta, Ref y) {
    GRID_STRIDE(i, out.N * out.C * out.HW) {
        Pos q = posOf(out, i);
        int oh = (int)(q.px / g.OW), ow = (int)(q.px % g.OW);
        i64 xo = q.b * x.n + q.ch * x.c;
        int hs = cellStart(oh, g.H, g.OH), he = cellEnd(oh, g.H, g.OH);
        int ws = cellStart(ow, g.W, g.OW), we = cellEnd(ow, g.W, g.OW);
        float s = 0.f;
        for (int h = hs; h < he; h++) for (int w = ws; w < we; w++) s += get(x, xo + (i64)(h * g.W + w) * x.s);
        i64 yi = offOf(y, q);
        put(y, yi, blend(alpha, s / ((he - hs) * (we - ws)), beta, beta == 0.f ? 0.f : get(y, yi)));
    }
}

extern "C" __global__ void adaptive_avg_backward(Geometry g, Walk in, float alpha, Ref dy, float beta, Ref dx) {
    GRID_STRIDE(i, in.N * in.C * in.HW) {
        Pos q = posOf(in, i);
        int h = (int)(q.px / g.W), w = (int)(q.px % g.W);
        i64 go = q.b * dy.n + q.ch * dy.c;
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
                grad += get(dy, go + (i64)(oh * g.OW + ow) * dy.s) / ((he - hs) * (we - ws));
            }
        }
        i64 di = offOf(dx, q);
        put(dx, di, blend(alpha, grad, beta, beta == 0.f ? 0.f : get(dx, di)));
    }
}
