// Fused softmax + cross-entropy with label smoothing (PyTorch CrossEntropyLoss(label_smoothing=eps), mean reduction).
// One block per row: max, sum of exp and sum of logits are block reductions; the per-row loss goes to rowLoss and a
// second single-block kernel averages it in double (deterministic, no atomics).
// Rows may be strided (logitStride, dStride: elements between row starts).
extern "C" __global__ void softmax_xent_rows(int classes, float smoothing, const float* logits, i64 logitStride,
                                             const int* labels, float* rowLoss, float gradScaleOverN, float beta,
                                             float* dLogits, i64 dStride) {
    __shared__ float shared[32];
    int row = blockIdx.x;
    const float* x = logits + (i64)row * logitStride;
    int label = labels[row];

    float m = NEG_INF;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) m = fmaxf(m, x[j]);
    m = blockMax(m, shared);
    float se = 0.f, sx = 0.f;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) { se += expf(x[j] - m); sx += x[j]; }
    se = blockSum(se, shared);
    sx = blockSum(sx, shared);
    float lse = m + logf(se);

    if (threadIdx.x == 0) {
        if (label < 0 || label >= classes) {
            rowLoss[row] = __int_as_float(0x7fc00000); // NaN marks an out-of-range label
        } else {
            float nllTarget = lse - x[label];
            float nllUniform = lse - sx / classes; // mean over classes of -log p_j
            rowLoss[row] = (1.f - smoothing) * nllTarget + smoothing * nllUniform;
        }
    }
    if (dLogits != 0) {
        float* d = dLogits + (i64)row * dStride;
        float off = smoothing / classes;
        for (int j = threadIdx.x; j < classes; j += blockDim.x) {
            float target = off + (j == label ? 1.f - smoothing : 0.f);
            float g = gradScaleOverN * (expf(x[j] - lse) - target);
            d[j] = beta == 0.f ? g : g + beta * d[j];
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
// row maximum, the sum of exponentials in double. One block per row; rows may be strided (xStride, yStride:
// elements between row starts) and y may be x (each element is read before the same thread writes it).
extern "C" __global__ void softmax_forward(int classes, int logSoftmax, const float* x, i64 xStride, float* y, i64 yStride) {
    __shared__ float sharedF[32];
    __shared__ double sharedD[32];
    const float* xr = x + (i64)blockIdx.x * xStride;
    float* yr = y + (i64)blockIdx.x * yStride;
    float m = NEG_INF;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) m = fmaxf(m, xr[j]); // a NaN in the row still makes it all NaN, through s
    m = blockMax(m, sharedF);
    double s = 0.0;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) s += (double)expf(xr[j] - m);
    s = blockSumD(s, sharedD);
    if (logSoftmax) {
        float shift = (float)((double)m + log(s));
        for (int j = threadIdx.x; j < classes; j += blockDim.x) yr[j] = xr[j] - shift;
    } else {
        float inv = (float)(1.0 / s);
        for (int j = threadIdx.x; j < classes; j += blockDim.x) yr[j] = expf(xr[j] - m) * inv;
    }
}

// dx = alpha * softmax_backward(y, dy) + beta * dx, from the forward output y, as CpuSoftmax: softmax
// dx = y * (dy - sum(dy * y)), log-softmax dx = dy - exp(y) * sum(dy), in double. One block per row; dx may be dy.
extern "C" __global__ void softmax_backward(int classes, int logSoftmax, float alpha, const float* y, i64 yStride,
                                            const float* dy, i64 dyStride, float beta, float* dx, i64 dxStride) {
    __shared__ double shared[32];
    const float* yr = y + (i64)blockIdx.x * yStride;
    const float* gr = dy + (i64)blockIdx.x * dyStride;
    float* dr = dx + (i64)blockIdx.x * dxStride;
    double dot = 0.0;
    for (int j = threadIdx.x; j < classes; j += blockDim.x) dot += logSoftmax ? (double)gr[j] : (double)gr[j] * yr[j];
    dot = blockSumD(dot, shared);
    for (int j = threadIdx.x; j < classes; j += blockDim.x) {
        double yj = yr[j], gj = gr[j];
        float g = logSoftmax ? (float)(gj - exp(yj) * dot) : (float)(yj * (gj - dot));
        dr[j] = blend(alpha, g, beta, dr[j]);
    }
}
