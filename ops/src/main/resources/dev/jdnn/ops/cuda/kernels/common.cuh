// Shared helpers, prepended by KernelCache to every kernel source (NVRTC has no CUDA headers on its include path).
// Index convention: operands are "batch-strided" — element i of a tensor with `sample` elements per batch entry sits
// at (i / sample) * batchStride + i % sample. Contiguous tensors pass batchStride == sample.
typedef long long i64;
#define NEG_INF __int_as_float(0xff800000)

__device__ __forceinline__ i64 bidx(i64 i, i64 sample, i64 batchStride) {
    return batchStride == sample ? i : (i / sample) * batchStride + (i % sample);
}

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

// out = alpha * v + beta * out, where beta == 0 ignores (possibly NaN) old contents, as cuDNN does.
__device__ __forceinline__ float blend(float alpha, float v, float beta, float old) {
    return beta == 0.f ? alpha * v : alpha * v + beta * old;
}
