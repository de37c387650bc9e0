// Fused softmax + cross-entropy with label smoothing (PyTorch CrossEntropyLoss(label_smoothing=eps), mean reduction).
// One block per row: max, sum of exp and sum of logits are block reductions; the per-row loss goes to rowLoss and a
// second single-block kernel averages it in double (deterministic, no atomics). Logits and their gradient are Refs
// (row b, class j at b * n + j * c) of any storage type; everything is computed in float32.
extern "C" __global__ void softmax_xent_rows(int classes, float smoothing, Ref logits, const int* labels, float* rowLoss,
                                             float gradScaleOverN, float beta, Ref dLogits) {
    __shared__ float shared[32];
    int row = blockIdx.x;
    i64 base = (i64)row * logits.n;
    int label = labels[row];

    float m = NEG_INF;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) m = fmaxf(m, get(logits, base + j * logits.c));
    m = blockMax(m, shared);
    float se = 0.f, sx = 0.f;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) { float v = get(logits, base + j * logits.c); se += expf(v - m); sx += v; }
    se = blockSum(se, shared);
    sx = blockSum(sx, shared);
    float lse = m + logf(se);

    if (threadIdx.x == 0) {
        if (label < 0 || label >= classes) {
            rowLoss[row] = __int_as_float(0x7fc00000); // NaN marks an out-of-range label
        } else {
            float nllTarget = lse - get(logits, base + label * logits.c);
            float nllUniform = lse - sx / classes; // mean over classes of -log p_j
            rowLoss[row] = (1.f - smoothing) * nllTarget + smoothing * nllUniform;
        }
    }
    if (dLogits.p != 0) {
        i64 d = (i64)row * dLogits.n;
        float off = smoothing / classes;
        for (int j = threadIdx.x; j < classes; j += blockDim.x) {
            float target = off + (j == label ? 1.f - smoothing : 0.f);
            float g = gradScaleOverN * (expf(get(logits, base + j * logits.c) - lse) - target);
            i64 o = d + j * dLogits.c;
            put(dLogits, o, beta == 0.f ? g : g + beta * get(dLogits, o));
        }
    }
}

// out[0] = mean(values[0..n)), accumulated in double. Launch with one block.
extern "C" __global__ void mean_of(const float* values, int n, float* out) {
    __shared__ double shared[32];
    double s = 0.0;
    for (int i = threadIdx.x; i < n; i += blockDim.x) s += values[i];
    s = blockSumD(s, shared);
    if (threadIdx.x == 0) out[0] = (float)(s / n);
}

// Softmax (logSoftmax == 0) or log-softmax over the C entries of each row of [N, C], as CpuSoftmax: shifted by the
// row maximum, the sum of exponentials in double. One block per row; x is a Ref of any storage type (row b, entry j at
// b * x.n + j * x.c), y float32 with rows yStride apart.
extern "C" __global__ void softmax_forward(int classes, int logSoftmax, Ref x, float* y, i64 yStride) {
    __shared__ float sharedF[32];
    __shared__ double sharedD[32];
    i64 xr = (i64)blockIdx.x * x.n;
    float* yr = y + (i64)blockIdx.x * yStride;
    float m = NEG_INF;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) m = fmaxf(m, get(x, xr + j * x.c)); // a NaN in the row still makes it all NaN, through s
    m = blockMax(m, sharedF);
    double s = 0.0;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) s += (double)expf(get(x, xr + j * x.c) - m);
    s = blockSumD(s, sharedD);
    if (logSoftmax) {
        float shift = (float)((double)m + log(s));
        for (int j = threadIdx.x; j < classes; j += blockDim.x) yr[j] = get(x, xr + j * x.c) - shift;
    } else {
        float inv = (float)(1.0 / s);
        for (int j = threadIdx.x; j < classes; j += blockDim.x) yr[j] = expf(get(x, xr + j * x.c) - m) * inv;
    }
}

// dx = alpha * softmax_backward(y, dy) + beta * dx, from the forward output y, as CpuSoftmax: softmax
// dx = y * (dy - sum(dy * y)), log-softmax dx = dy - exp(y) * sum(dy), in double. One block per row. y and dy are
// float32 (the softmax's output and its gradient); dx has the input's storage type.
extern "C" __global__ void softmax_backward(int classes, int logSoftmax, float alpha, const float* y, i64 yStride,
                                            const float* dy, i64 dyStride, float beta, Ref dx) {
    __shared__ double shared[32];
    const float* yr = y + (i64)blockIdx.x * yStride;
    const float* gr = dy + (i64)blockIdx.x * dyStride;
    i64 dr = (i64)blockIdx.x * dx.n;
    double dot = 0.0;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) dot += logSoftmax ? (double)gr[j] : (double)gr[j] * yr[j];
    dot = blockSumD(dot, shared);
    for (int j = threadIdx.x; j < classes; j += blockDim.x) {
        double yj = yr[j], gj = gr[j];
        float g = logSoftmax ? (float)(gj - exp(yj) * dot) : (float)(yj * (gj - dot));
        i64 o = dr + j * dx.c;
        put(dx, o, blend(alpha, g, beta, beta == 0.f ? 0.f : get(dx, o)));
    }
}
