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
