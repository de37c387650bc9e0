// Counter-based inverted dropout, bit-identical to the CPU backend (dev.jdnn.ops.DropoutStream): forward call k of a
// plan seeded with s uses key = mix(s + (k + 1) * GOLDEN) and keeps element i (row-major) when the top 24 bits of
// mix(key + i * GOLDEN) are >= threshold = round(p * 2^24). All arithmetic is on unsigned 64-bit integers, which wrap
// like Java's longs. The call counter k lives in device memory: dropout_forward reads it, dropout_advance (one
// thread, launched right after) increments it, so a replayed CUDA graph draws a new mask each time.
// The mask is one byte per element (1 = kept) at its row-major index.
typedef unsigned long long u64;
#define GOLDEN 0x9E3779B97F4A7C15ull

__device__ __forceinline__ u64 splitmix(u64 z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// y = keep ? x * scale : 0 over batch-strided x and y (which may be the same tensor); mask[i] = keep.
extern "C" __global__ void dropout_forward(i64 n, i64 sample, const float* x, i64 xStride, float* y, i64 yStride,
                                           unsigned char* mask, const i64* counter, i64 seed, int threshold, float scale) {
    u64 key = splitmix((u64)seed + ((u64)counter[0] + 1ull) * GOLDEN);
    GRID_STRIDE(i, n) {
        bool keep = (splitmix(key + (u64)i * GOLDEN) >> 40) >= (u64)threshold;
        mask[i] = keep ? 1 : 0;
        y[bidx(i, sample, yStride)] = keep ? x[bidx(i, sample, xStride)] * scale : 0.f;
    }
}

// The call counter advances once per forward; launched with one thread after dropout_forward on the same stream.
extern "C" __global__ void dropout_advance(i64* counter) {
    if (blockIdx.x == 0 && threadIdx.x == 0) counter[0] += 1;
}

// dx = mask ? dy * scale : 0 with the forward's mask.
extern "C" __global__ void dropout_backward(i64 n, i64 sample, const float* dy, i64 dyStride, float* dx, i64 dxStride,
                                            const unsigned char* mask, float scale) {
    GRID_STRIDE(i, n) {
        dx[bidx(i, sample, dxStride)] = mask[i] ? dy[bidx(i, sample, dyStride)] * scale : 0.f;
    }
}
