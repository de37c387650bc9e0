// Counter-based inverted dropout, bit-identical to the CPU backend (dev.jdnn.ops.DropoutStream): forward call k of a
// plan seeded with s uses key = mix(s + (k + 1) * GOLDEN) and keeps element i (its logical, NCHW row-major index, in
// every memory format) when the top 24 bits of mix(key + i * GOLDEN) are >= threshold = round(p * 2^24). All
// arithmetic is on unsigned 64-bit integers, which wrap like Java's longs. The call counter k lives in device memory:
// dropout_forward reads it, dropout_advance (one thread, launched right after) increments it, so a replayed CUDA
// graph draws a new mask each time. The mask is one byte per element (1 = kept) at its logical index.
typedef unsigned long long u64;
#define GOLDEN 0x9E3779B97F4A7C15ull

__device__ __forceinline__ u64 splitmix(u64 z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// y = keep ? x * scale : 0 (x and y may be the same tensor); mask[logical index] = keep.
extern "C" __global__ void dropout_forward(Walk w, Ref x, Ref y, unsigned char* mask, const i64* counter, i64 seed,
                                           int threshold, float scale) {
    u64 key = splitmix((u64)seed + ((u64)counter[0] + 1ull) * GOLDEN);
    GRID_STRIDE(i, w.N * w.C * w.HW) {
        Pos q = posOf(w, i);
        i64 e = logicalOf(w, q);
        bool keep = (splitmix(key + (u64)e * GOLDEN) >> 40) >= (u64)threshold;
        mask[e] = keep ? 1 : 0;
        put(y, w.dense ? i : offOf(y, q), keep ? get(x, w.dense ? i : offOf(x, q)) * scale : 0.f);
    }
}

// The call counter advances once per forward; launched with one thread after dropout_forward on the same stream.
extern "C" __global__ void dropout_advance(i64* counter) {
    if (blockIdx.x == 0 && threadIdx.x == 0) counter[0] += 1;
}

// dx = mask ? dy * scale : 0 with the forward's mask.
extern "C" __global__ void dropout_backward(Walk w, Ref dy, Ref dx, const unsigned char* mask, float scale) {
    GRID_STRIDE(i, w.N * w.C * w.HW) {
        Pos q = posOf(w, i);
        bool keep = mask[logicalOf(w, q)] != 0;
        put(dx, w.dense ? i : offOf(dx, q), keep ? get(dy, w.dense ? i : offOf(dy, q)) * scale : 0.f);
    }
}
