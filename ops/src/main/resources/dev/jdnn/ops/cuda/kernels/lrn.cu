// Cross-channel LRN with PyTorch's LocalResponseNorm window: channel c sums x^2 over [c - size/2, c + (size-1)/2]
// (clipped to [0, C)), s_c = k + alpha/size * sum, y_c = x_c * s_c^-beta. Used where cuDNN differs: its window is
// [c - (size-1)/2, c + size/2] (cudnn_ops.h, cudnnSetLRNDescriptor), which for even sizes looks one channel further
// ahead than behind, where the spec is outside cuDNN's limits (size > 16, k < 1e-5, beta < 0.01), and for NHWC.
// Operands are Refs (common.cuh): element (b, c, px) of x at b * x.n + c * x.c + px * x.s, any storage type.

// s_c at one pixel; xo is the offset of channel 0 of that pixel.
__device__ __forceinline__ float lrnScale(const Ref& x, i64 xo, int channels, int c, int size, float alphaOverSize, float k) {
    int lo = max(c - size / 2, 0), hi = min(c + (size - 1) / 2, channels - 1);
    float s = 0.f;
    for (int j = lo; j <= hi; j++) { float v = get(x, xo + j * x.c); s += v * v; }
    return k + alphaOverSize * s;
}

// y = alpha * lrn(x) + beta * y
extern "C" __global__ void lrn_forward(Walk w, int size, float alphaOverSize, float lrnBeta, float k,
                                       float alpha, Ref x, float beta, Ref y) {
    int channels = (int)w.C;
    GRID_STRIDE(i, w.N * w.C * w.HW) {
        Pos q = posOf(w, i);
        i64 xo = q.b * x.n + q.px * x.s;
        float v = get(x, xo + q.ch * x.c) * powf(lrnScale(x, xo, channels, (int)q.ch, size, alphaOverSize, k), -lrnBeta);
        i64 yi = offOf(y, q);
        put(y, yi, blend(alpha, v, beta, beta == 0.f ? 0.f : get(y, yi)));
    }
}

// dx_i = dy_i * s_i^-beta - 2*alpha*beta/size * x_i * sum_{c : i in window(c)} dy_c * x_c * s_c^(-beta-1),
// where i is in window(c) exactly when c lies in [i - (size-1)/2, i + size/2]. Gather form: no atomics.
extern "C" __global__ void lrn_backward(Walk w, int size, float alphaOverSize, float lrnBeta, float k,
                                        float alpha, Ref x, Ref dy, float beta, Ref dx) {
    int channels = (int)w.C;
    GRID_STRIDE(i, w.N * w.C * w.HW) {
        Pos q = posOf(w, i);
        int ci = (int)q.ch;
        i64 xo = q.b * x.n + q.px * x.s, go = q.b * dy.n + q.px * dy.s;
        int lo = max(ci - (size - 1) / 2, 0), hi = min(ci + size / 2, channels - 1);
        float cross = 0.f;
        for (int c = lo; c <= hi; c++) {
            float s = lrnScale(x, xo, channels, c, size, alphaOverSize, k);
            cross += get(dy, go + c * dy.c) * get(x, xo + c * x.c) * powf(s, -lrnBeta - 1.f);
        }
        float si = lrnScale(x, xo, channels, ci, size, alphaOverSize, k);
        float g = get(dy, go + ci * dy.c) * powf(si, -lrnBeta) - 2.f * alphaOverSize * lrnBeta * get(x, xo + ci * x.c) * cross;
        i64 di = offOf(dx, q);
        put(dx, di, blend(alpha, g, beta, beta == 0.f ? 0.f : get(dx, di)));
    }
}
