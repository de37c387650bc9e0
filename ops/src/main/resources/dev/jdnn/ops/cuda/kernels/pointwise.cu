// Pointwise and layout kernels over Walk/Ref operands (see common.cuh): NCHW or NHWC, batch- or pixel-strided, each
// operand float32, bfloat16 or float16, arithmetic in float32.
#define COUNT(w) ((w).N * (w).C * (w).HW)

extern "C" __global__ void fill(Walk w, Ref x, float value) {
    GRID_STRIDE(i, COUNT(w)) put(x, at(w, x, i), value);
}

// x *= factor
extern "C" __global__ void scale(Walk w, Ref x, float factor) {
    GRID_STRIDE(i, COUNT(w)) { i64 xi = at(w, x, i); put(x, xi, get(x, xi) * factor); }
}

// y = alpha * x + beta * y (also the converting accumulation of a scratch result into its destination), in the CPU
// backend's order (Vec.affine): beta * y rounded, then alpha * x added by one fused multiply-add.
extern "C" __global__ void add_scaled(Walk w, float alpha, Ref x, float beta, Ref y) {
    GRID_STRIDE(i, COUNT(w)) {
        i64 yi = at(w, y, i);
        float v = get(x, at(w, x, i));
        put(y, yi, beta == 0.f ? __fmul_rn(alpha, v) : __fmaf_rn(alpha, v, __fmul_rn(beta, get(y, yi))));
    }
}

// c = a + b (c may alias a or b: each element is read before it is written by the same thread)
extern "C" __global__ void add(Walk w, Ref a, Ref b, Ref c) {
    GRID_STRIDE(i, COUNT(w)) put(c, at(w, c, i), get(a, at(w, a, i)) + get(b, at(w, b, i)));
}

// y[n,c,px] = x[n,c,px] * s[n,c]; the gate s is [N, C, 1, 1] (its Ref's n and c strides).
extern "C" __global__ void scale_channels(Walk w, Ref x, Ref s, Ref y) {
    GRID_STRIDE(i, COUNT(w)) {
        Pos q = posOf(w, i);
        float g = get(s, q.b * s.n + q.ch * s.c);
        put(y, w.dense ? i : offOf(y, q), get(x, w.dense ? i : offOf(x, q)) * g);
    }
}

// dx = dy * s + betaX * dx
extern "C" __global__ void scale_channels_backward_data(Walk w, Ref dy, Ref s, float betaX, Ref dx) {
    GRID_STRIDE(i, COUNT(w)) {
        Pos q = posOf(w, i);
        i64 di = w.dense ? i : offOf(dx, q);
        float old = betaX == 0.f ? 0.f : get(dx, di);
        put(dx, di, blend(1.f, get(dy, w.dense ? i : offOf(dy, q)) * get(s, q.b * s.n + q.ch * s.c), betaX, old));
    }
}

// ds[n,c] = sum_px dy*x + betaS * ds. One block per (n, c).
extern "C" __global__ void scale_channels_backward_scale(Walk w, Ref x, Ref dy, float betaS, Ref ds) {
    __shared__ float shared[32];
    i64 b = blockIdx.x / w.C, c = blockIdx.x % w.C;
    float acc = 0.f;
    for (i64 px = threadIdx.x; px < w.HW; px += blockDim.x) {
        acc += get(x, b * x.n + c * x.c + px * x.s) * get(dy, b * dy.n + c * dy.c + px * dy.s);
    }
    acc = blockSum(acc, shared);
    if (threadIdx.x == 0) {
        i64 o = b * ds.n + c * ds.c;
        put(ds, o, blend(1.f, acc, betaS, betaS == 0.f ? 0.f : get(ds, o)));
    }
}

// ShuffleNet channel shuffle: output channel k*groups + g takes input channel g*(C/groups) + k.
extern "C" __global__ void channel_shuffle(Walk w, int groups, Ref x, Ref y) {
    int perGroup = (int)(w.C / groups);
    GRID_STRIDE(i, COUNT(w)) {
        Pos q = posOf(w, i);
        Pos from = q;
        from.ch = (q.ch % groups) * perGroup + q.ch / groups;
        put(y, offOf(y, q), get(x, offOf(x, from)));
    }
}

// y[n,c,...] += alpha * bias[c] (bias: contiguous float32 [C]).
extern "C" __global__ void add_bias(Walk w, Ref y, const float* bias, float alpha) {
    GRID_STRIDE(i, COUNT(w)) {
        Pos q = posOf(w, i);
        i64 yi = w.dense ? i : offOf(y, q);
        put(y, yi, __fmaf_rn(alpha, bias[q.ch], get(y, yi)));
    }
}

// y[n,c,...] = act(x[n,c,...] * scale[c] + bias[c]), act identity (relu 0) or ReLU (relu 1): a batch norm applied
// through its equivalent scale and bias (float32 [C] vectors). y may be x (each element is read before it is written
// by the same thread).
extern "C" __global__ void scale_bias_activation(Walk w, Ref x, const float* scale, const float* bias, int relu, Ref y) {
    GRID_STRIDE(i, COUNT(w)) {
        Pos q = posOf(w, i);
        float v = fmaf(get(x, w.dense ? i : offOf(x, q)), scale[q.ch], bias[q.ch]);
        put(y, w.dense ? i : offOf(y, q), relu ? fmaxf(v, 0.f) : v);
    }
}

// db[c] = alpha * sum over n and pixels of dy + beta * db[c] (db: contiguous float32 [C]). One block per channel.
extern "C" __global__ void bias_grad(Walk w, float alpha, Ref dy, float beta, float* db) {
    __shared__ float shared[32];
    i64 c = blockIdx.x, count = w.N * w.HW;
    float acc = 0.f;
    for (i64 j = threadIdx.x; j < count; j += blockDim.x) {
        i64 b = j / w.HW, px = j % w.HW;
        acc += get(dy, b * dy.n + c * dy.c + px * dy.s);
    }
    acc = blockSum(acc, shared);
    if (threadIdx.x == 0) db[c] = blend(alpha, acc, beta, beta == 0.f ? 0.f : db[c]);
}

// General strided copy of up to 4 dimensions (shape padded with leading 1s), converting the element type: dst = src.
// The same type is copied bit for bit (2- or 4-byte elements; DT_I32 only so), so it serves int32 labels too.
extern "C" __global__ void cast4(i64 d0, i64 d1, i64 d2, i64 d3,
                                 const void* src, i64 s0, i64 s1, i64 s2, i64 s3, int srcType,
                                 void* dst, i64 t0, i64 t1, i64 t2, i64 t3, int dstType) {
    i64 n = d0 * d1 * d2 * d3;
    GRID_STRIDE(i, n) {
        i64 i3 = i % d3, r = i / d3;
        i64 i2 = r % d2; r /= d2;
        i64 i1 = r % d1, i0 = r / d1;
        i64 so = i0 * s0 + i1 * s1 + i2 * s2 + i3 * s3, dO = i0 * t0 + i1 * t1 + i2 * t2 + i3 * t3;
        if (srcType == dstType) {
            if (srcType == DT_BF16 || srcType == DT_F16) ((unsigned short*)dst)[dO] = ((const unsigned short*)src)[so];
            else ((unsigned int*)dst)[dO] = ((const unsigned int*)src)[so];
        } else {
            store(dst, dstType, dO, load(src, srcType, so));
        }
    }
}
