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
