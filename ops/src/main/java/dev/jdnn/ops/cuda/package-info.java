/**
 * The CUDA backend: {@link dev.jdnn.ops.cuda.CudaBackend} on cuDNN, cuBLAS and NVRTC kernels through the FFM
 * bindings of {@code dev.jdnn.bindings}, on one device and one stream.
 *
 * <p>Map for a newcomer:
 * <ul>
 *   <li>{@code CudaContext}: stream, cuDNN/cuBLAS handles bound to it, device allocator, kernel launcher, host scalars
 *       for alpha/beta, and the "last op" label that asynchronous errors are reported with.</li>
 *   <li>One class per op family, mirroring the CPU backend: {@code CudaConv2d} (+ {@code ConvDirection},
 *       algorithm choice), {@code CudaLinear} (cuBLAS, row-major via swapped operands), {@code CudaBatchNorm},
 *       {@code CudaPooling}, {@code CudaActivations}, {@code CudaLrn}, {@code CudaDropout}, {@code CudaSoftmax},
 *       {@code CudaCrossEntropy}, {@code CudaPointwise}, {@code CudaOptimizers}; {@code CudaTransfers} for host↔device.</li>
 *   <li>Descriptors are built at plan time ({@code Cudnn}, {@code TensorDescriptors}: one per batch stride seen);
 *       plans free them on close.</li>
 *   <li>NVRTC kernels: sources in {@code resources/dev/jdnn/ops/cuda/kernels}, every launched kernel listed in
 *       {@code Kernel}, compiled and cached by {@code KernelCache}, launched by {@code KernelLauncher}, whose first
 *       launch of each kernel checks the Java arguments against the source signature ({@code KernelSignature}).</li>
 *   <li>{@code CudaGraphs}: capture a step on the backend's stream and replay it ({@code CudaBackend.capture},
 *       the {@link dev.jdnn.ops.Recording} of {@link dev.jdnn.ops.Backend#capture}).</li>
 *   <li>{@code ConvAlgorithmStore}: convolution algorithms benchmarked with cudnnFind* are searched once per shape and
 *       kept in {@code CudaBackend.Options#convAlgorithmCacheDir} (default {@code ~/.cache/jdnn/conv-algorithms}, a
 *       text file per GPU model and cuDNN version), so later runs skip the search; null keeps them per backend only.
 *       The file handling is {@code ChoiceStore}'s, shared with {@code FusedEngineStore}.</li>
 *   <li>Fused patterns ({@link dev.jdnn.ops.Backend#fuse}): {@code CudaFused} picks the plan class
 *       ({@code CudaConvBiasActivation}, {@code CudaConvStats}, {@code CudaBnFinalize}, {@code CudaDgradDrelu},
 *       {@code CudaBnBackward}), each of which builds its cuDNN operation graph with {@link dev.jdnn.ops.cuda.graphapi};
 *       {@code CudaFusedGraph} chooses the engine ({@code EngineChooser}: cache, heuristics, autotuning) and runs it.
 *       The design note is {@link dev.jdnn.ops.cuda.graphapi}'s package documentation.</li>
 * </ul>
 */
package dev.jdnn.ops.cuda;
