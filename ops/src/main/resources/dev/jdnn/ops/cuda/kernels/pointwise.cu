// Pointwise and layout kernels on batch-strided operands (see common.cuh for the index convention).

extern "C" __global__ void fill(i64 n, i64 sample, float* x, i64 xStride, float value) {
    GRID_STRIDE(i, n) x[bidx(i, sample, xStride)] = value;
}

// x *= factor
extern "C" __global__ void scale(i64 n, i64 sample, float* x, i64 xStride, float factor) {
    GRID_STRIDE(i, n) { i64 xi = bidx(i, sample, xStride); x[xi] *= factor; }
}

// y = alpha * x + beta * y
extern "C" __global__ void add_scaled(i64 n, i64 sample, float alpha, const float* x, i64 xStride,
                                      float beta, float* y, i64 yStride) {
    GRID_STRIDE(i, n) {
        i64 yi = bidx(i, sample, yStride);
        y[yi] = blend(alpha, x[bidx(i, sample, xStride)], beta, y[yi]);
    }
}

// c = a + b (c may alias a or b: each element is read before it is written by the same thread)
extern "C" __global__ void add(i64 n, i64 sample, const float* a, i64 aStride, const float* b, i64 bStride,
                               float* c, i64 cStride) {
    GRID_STRIDE(i, n) c[bidx(i, sample, cStride)] = a[bidx(i, sample, aStride)] + b[bidx(i, sample, bStride)];
}

// y[n,c,hw] = x[n,c,hw] * s[n,c]; s is [N,C] with batch stride sStride. sample = C*hw.
extern "C" __global__ void scale_channels(i64 n, i64 sample, i64 hw, const float* x, i64 xStride,
                                          const float* s, i64 sStride, float* y, i64 yStride) {
    GRID_STRIDE(i, n) {
        i64 b = i / sample, c = (i % sample) / hw;
        y[bidx(i, sample, yStride)] = x[bidx(i, sample, xStride)] * s[b * sStride + c];
    }
}

// dx = dy * s + betaX * dx
extern "C" __global__ void scale_channels_backward_data(i64 n, i64 sample, i64 hw, const float* dy, i64 dyStride,
                                                        const float* s, i64 sStride, float betaX,
                                                        float* dx, i64 dxStride) {
    GRID_STRIDE(i, n) {
        i64 b = i / sample, c = (i % sample) / hw;
        i64 di = bidx(i, sample, dxStride);
        dx[di] = blend(1.f, dy[bidx(i, sample, dyStride)] * s[b * sStride + c], betaX, dx[di]);
    }
}

// ds[n,c] = sum_hw dy*x + betaS * ds. One block per (n, c); channels = C.
extern "C" __global__ void scale_channels_backward_scale(i64 hw, int channels, const float* x, i64 xStride,
                                                         const float* dy, i64 dyStride, float betaS,
                                                         float* ds, i64 dsStride) {
    __shared__ float shared[32];
    int b = blockIdx.x / channels, c = blockIdx.x % channels;
    const float* xp = x + b * xStride + (i64)c * hw;
    const float* dp = dy + b * dyStride + (i64)c * hw;
    float acc = 0.f;
    for (i64 j = threadIdx.x; j < hw; j += blockDim.x) acc += xp[j] * dp[j];
    acc = blockSum(acc, shared);
    if (threadIdx.x == 0) {
        i64 o = b * dsStride + c;
        ds[o] = blend(1.f, acc, betaS, ds[o]);
    }
}

// ShuffleNet channel shuffle: output channel k*groups + g takes input channel g*(C/groups) + k.
extern "C" __global__ void channel_shuffle(i64 n, int channels, int groups, i64 hw, const float* x, i64 xStride,
                                           float* y, i64 yStride) {
    i64 sample = (i64)channels * hw;
    int perGroup = channels / groups;
    GRID_STRIDE(i, n) {
        i64 b = i / sample, r = i % sample;
        int cOut = (int)(r / hw);
        i64 p = r % hw;
        int cIn = (cOut % groups) * perGroup + cOut / groups;
        y[b * yStride + r] = x[b * xStride + (i64)cIn * hw + p];
    }
}

// y[n,c,inner] += alpha * bias[c]; sample = C*inner.
extern "C" __global__ void add_bias(i64 n, i64 sample, i64 inner, int channels, float* y, i64 yStride,
                                    const float* bias, float alpha) {
    GRID_STRIDE(i, n) {
        int c = (int)((i % sample) / inner);
        y[bidx(i, sample, yStride)] += alpha * bias[c];
    }
}

// db[c] = alpha * sum_{n,inner} dy[n,c,inner] + beta * db[c]. One block per channel.
extern "C" __global__ void bias_grad(i64 rows, int channels, i64 inner, float alpha, const float* dy, i64 dyStride,
                                     float beta, float* db) {
    __shared__ float shared[32];
    int c = blockIdx.x;
    i64 count = rows * inner;
    float acc = 0.f;
    for (i64 j = threadIdx.x; j < count; j += blockDim.x) {
        i64 b = j / inner, p = j % inner;
        acc += dy[b * dyStride + (i64)c * inner + p];
    }
    acc = blockSum(acc, shared);
    if (threadIdx.x == 0) db[c] = blend(alpha, acc, beta, db[c]);
}

// General strided copy of up to 4 dimensions (shape padded with leading 1s): dst = src. Moves 32-bit words, so it
// serves float32 and int32 tensors alike, bit for bit.
extern "C" __global__ void strided_copy4(i64 d0, i64 d1, i64 d2, i64 d3,
                                         const unsigned int* src, i64 s0, i64 s1, i64 s2, i64 s3,
                                         unsigned int* dst, i64 t0, i64 t1, i64 t2, i64 t3) {
    i64 n = d0 * d1 * d2 * d3;
    GRID_STRIDE(i, n) {
        i64 i3 = i % d3, r = i / d3;
        i64 i2 = r % d2; r /= d2;
        i64 i1 = r % d1, i0 = r / d1;
        dst[i0 * t0 + i1 * t1 + i2 * t2 + i3 * t3] = src[i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3];
    }
}
