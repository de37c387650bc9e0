/**
 * The pure-Java CPU backend. {@link dev.jdnn.ops.cpu.CpuBackend} wires one class per op family:
 * <ul>
 *   <li>{@code CpuConv2d}, {@code CpuLinear}, {@code CpuGemm} — convolution and fully connected layers;</li>
 *   <li>{@code CpuBatchNorm}, {@code CpuPooling}, {@code CpuActivations} (kernels in {@code ActivationKernels}),
 *       {@code CpuLrn}, {@code CpuDropout}, {@code CpuSoftmax}, {@code CpuCrossEntropy} — the planned ops;</li>
 *   <li>{@code CpuFused} — the fused patterns as compositions of those ops ({@code CpuConvBiasActivation},
 *       {@code CpuConvStats}, {@code CpuBnFinalize}, {@code CpuDgradDrelu}, {@code CpuBnBackward}; per-channel
 *       pieces in {@code Channels});</li>
 *   <li>{@code CpuPointwise} (fill, add, scale, bias, batch-norm apply with ReLU, SE gate, channel shuffle),
 *       {@code CpuOptimizers} (SGD, Adam/AdamW, gradient clipping, the finite guard), {@code CpuLossScaling},
 *       {@code CpuTransfers} (transfers, strided copies, casts), {@code CpuTimeMarks}.</li>
 * </ul>
 * Shared plumbing: {@code HostTensors} (argument checks, the {@code Rows} run view), {@code Planes} (NCHW as H*W
 * planes), {@code Vec} (Vector API kernels over memory segments), {@code TailScratch} (running a vector kernel over
 * a run's last few elements), {@code Runs} and {@code Parallel} (splitting
 * work over the one fixed thread pool), {@code Staging} and {@code HostCast} (NHWC and bf16/fp16 operands converted to
 * and from the float32 NCHW the kernels compute on). Every NCHW operand may be batch-strided: samples are contiguous
 * but may be any distance apart, so kernels walk contiguous per-sample (or per-plane) runs.
 */
package dev.jdnn.ops.cpu;
