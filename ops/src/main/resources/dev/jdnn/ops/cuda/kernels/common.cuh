// Shared helpers, prepended by KernelCache to every kernel source (NVRTC has no CUDA headers on its include path).
typedef long long i64;
#define NEG_INF __int_as_float(0xff800000)

// ---- storage types: every operand is float32, bfloat16 or float16 in memory and float32 in arithmetic -----------
// Type codes match KernelOperands.typeCode. Conversions round to nearest even, as dev.jdnn.memory.HalfFloats does:
// bfloat16 by the same integer arithmetic (NaN kept, quiet bit set), float16 by the PTX conversion instructions.
#define DT_F32 0
#define DT_BF16 1
#define DT_F16 2
#define DT_I32 3   // raw 32-bit words (labels): only copied, never converted

__device__ __forceinline__ float bf16ToFloat(unsigned short h) { return __uint_as_float(((unsigned int)h) << 16); }
__device__ __forceinline__ unsigned short floatToBf16(float f) {
    unsigned int b = __float_as_uint(f);
    if ((b & 0x7fffffffu) > 0x7f800000u) return (unsigned short)((b >> 16) | 0x0040u);
    return (unsigned short)((b + 0x7fffu + ((b >> 16) & 1u)) >> 16);
}
__device__ __forceinline__ float f16ToFloat(unsigned short h) { float f; asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h)); return f; }
__device__ __forceinline__ unsigned short floatToF16(float f) { unsigned short h; asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f)); return h; }

__device__ __forceinline__ float load(const void* p, int type, i64 o) {
    switch (type) {
        case DT_BF16: return bf16ToFloat(((const unsigned short*)p)[o]);
        case DT_F16: return f16ToFloat(((const unsigned short*)p)[o]);
        default: return ((const float*)p)[o];
    }
}
__device__ __forceinline__ void store(void* p, int type, i64 o, float v) {
    switch (type) {
        case DT_BF16: ((unsigned short*)p)[o] = floatToBf16(v); break;
        case DT_F16: ((unsigned short*)p)[o] = floatToF16(v); break;
        default: ((float*)p)[o] = v;
    }
}

// ---- operands and the order kernels walk them in --------------------------------------------------------------
// Every tensor is seen as [N, C, HW] (rank 4: HW = H*W, pixels h*W + w; rank 2 [N, F]: C = F, HW = 1; other ranks:
// C = 1, HW = one sample). A Ref says where element (b, ch, px) lies, in either memory format: NCHW has c = HW and
// s = 1 (n >= C*HW for a batch-strided view), NHWC has c = 1 and s = P >= C (a pixel-strided view). A Walk says in
// which order the threads of an elementwise kernel visit the elements: channels fastest for NHWC operands, pixels
// fastest for NCHW ones, so neighbouring threads touch neighbouring memory; with `dense` every operand is packed in
// exactly that order and element i is simply at offset i. Built on the host by KernelOperands.
struct Ref { void* p; i64 n, c, s; int type; };
struct Walk { i64 N, C, HW; int channelsLast; int dense; };
struct Pos { i64 b, ch, px; };

__device__ __forceinline__ Pos posOf(const Walk& w, i64 i) {
    Pos q;
    if (w.channelsLast) { q.ch = i % w.C; i64 r = i / w.C; q.px = r % w.HW; q.b = r / w.HW; }
    else { q.px = i % w.HW; i64 r = i / w.HW; q.ch = r % w.C; q.b = r / w.C; }
    return q;
}
__device__ __forceinline__ i64 offOf(const Ref& r, const Pos& q) { return q.b * r.n + q.ch * r.c + q.px * r.s; }
// Offset in r of walk element i.
__device__ __forceinline__ i64 at(const Walk& w, const Ref& r, i64 i) { return w.dense ? i : offOf(r, posOf(w, i)); }
__device__ __forceinline__ float get(const Ref& r, i64 o) { return load(r.p, r.type, o); }
__device__ __forceinline__ void put(const Ref& r, i64 o, float v) { store(r.p, r.type, o, v); }
// The logical (NCHW row-major) index of a position: what dropout masks are indexed by, in every format.
__device__ __forceinline__ i64 logicalOf(const Walk& w, const Pos& q) { return (q.b * w.C + q.ch) * w.HW + q.px; }

#define GRID_STRIDE(i, n) for (i64 i = (i64)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (i64)blockDim.x * gridDim.x)

// Block-wide reductions; blockDim.x must be a power of two <= 1024. `shared` needs blockDim.x / 32 slots.
__device__ __forceinline__ float warpSum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ double warpSumD(double v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ float warpMax(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_down_sync(0xffffffffu, v, o));
    return v;
}
// Result valid in every thread.
__device__ float blockSum(float v, float* shared) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warpSum(v);
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    float r = 0.f;
    for (int w = 0; w < warps; w++) r += shared[w];
    return r;
}
__device__ double blockSumD(double v, double* shared) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warpSumD(v);
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    double r = 0.0;
    for (int w = 0; w < warps; w++) r += shared[w];
    return r;
}
__device__ float blockMax(float v, float* shared) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = (blockDim.x + 31) >> 5;
    v = warpMax(v);
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    float r = NEG_INF;
    for (int w = 0; w < warps; w++) r = fmaxf(r, shared[w]);
    return r;
}

// out = alpha * v + beta * out, where beta == 0 ignores (possibly NaN) old contents, as cuDNN does. Written with
// round-to-nearest intrinsics, which NVRTC never contracts (it fuses a plain a * b + c into an FMA of its own choosing):
// alpha * v rounded, then beta * old added by one fused multiply-add - the CPU backend's order (ActivationKernels.out,
// CpuLrn), which ActivationArgsTest's emulation pins.
__device__ __forceinline__ float blend(float alpha, float v, float beta, float old) {
    float scaled = __fmul_rn(alpha, v);
    return beta == 0.f ? scaled : __fmaf_rn(beta, old, scaled);
}
