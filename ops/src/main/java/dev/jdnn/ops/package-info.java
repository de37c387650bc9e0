/**
 * The backend interface ({@link dev.jdnn.ops.Backend}) with its op specs and plans; the CPU and CUDA implementations
 * live side by side in {@code ops.cpu} and {@code ops.cuda} with the same class names ({@code CpuConv2d} /
 * {@code CudaConv2d}, ...), and the argument checks both make are in {@link dev.jdnn.ops.Operands}.
 *
 * <h2>Memory formats and precisions</h2>
 * Shapes are logical NCHW everywhere; a tensor's {@link dev.jdnn.memory.MemoryFormat} is a permutation of its
 * strides (PyTorch's channels_last). A plan is made for one {@link dev.jdnn.ops.OperandType} — format and storage
 * dtype of its activations — carried by its spec ({@code Conv2dSpec.with(type)}, {@code BatchNormSpec},
 * {@code PoolSpec}, {@code LrnSpec}, {@code DropoutSpec}; {@code Backend.activation(kind, param, shape, type)}; the
 * 2-D ops take a dtype: {@code LinearSpec.with(dtype)}, {@code softmax}, {@code crossEntropy}). Activation operands
 * must then have that dtype and lie in that format — NCHW batch-strided or NHWC pixel-strided views included (a
 * channel slice of a concatenation, in either format) — and the checks say which layout and dtype were expected and
 * which came. Pointwise ops have no plan: their operands share one format, each in any floating dtype.
 *
 * <p>Mixed precision follows torch.autocast. Arithmetic is float32 everywhere; bfloat16/float16 are storage, rounded
 * to nearest even when written ({@link dev.jdnn.memory.HalfFloats}). Per op ("act" = the plan's dtype):
 * <table>
 *   <caption>dtypes of each operand, and where results are rounded</caption>
 *   <tr><th>op</th><th>act (bf16/fp16 with a half-precision plan)</th><th>always float32</th><th>semantics</th></tr>
 *   <tr><td>conv2d, linear</td><td>x, w (the weight copy), y, dy, dx</td><td>bias, dW, db</td>
 *       <td>y = round(alpha·(Σ x·w, accumulated in float32, + bias) + beta·y): the bias is added in float32 before the
 *       one rounding. dW = alpha·(Σ x·dy in float32) + beta·dW and db likewise: weight gradients are written float32,
 *       into the master gradient buffer, without an intermediate rounding. The weight (copy) and dW lie in the
 *       plan's format: OIHW for NCHW, channels-last KRSC (strides [kh·kw·I, 1, kw·I, I]) for NHWC.</td></tr>
 *   <tr><td>batch norm</td><td>x, y, dy, dx</td><td>gamma, beta, running and saved mean / inverse std, dgamma,
 *       dbeta</td><td>statistics accumulated in float32 (or wider) from the stored x; y, dx rounded once.</td></tr>
 *   <tr><td>activations, pooling, LRN, dropout</td><td>every operand</td><td>—</td>
 *       <td>computed in float32 from the stored values, each result rounded once (alpha/beta included).</td></tr>
 *   <tr><td>add, addScaled, scale, fill, scaleChannels (SE), channelShuffle, addBias, scaleBiasActivation, copy into
 *       channel slices</td>
 *       <td>each operand its own float dtype</td><td>addBias's bias, scaleBiasActivation's scale and bias</td><td>as above.</td></tr>
 *   <tr><td>softmax, log-softmax</td><td>x, dx</td><td>y, dy</td><td>computed and written in float32 (autocast runs
 *       them in float32); the input gradient is rounded to the input's dtype.</td></tr>
 *   <tr><td>cross-entropy loss</td><td>logits, dLogits (or float32)</td><td>loss</td><td>computed in float32; the
 *       loss and its mean in float32; dLogits rounded to its dtype.</td></tr>
 *   <tr><td>optimizers, clipGradNorm, finiteFlag, loss scaling</td><td>—</td><td>params, grads, state</td><td>master
 *       weights, their gradients and the optimizer state stay float32.</td></tr>
 *   <tr><td>cast</td><td colspan="2">any float dtype to any float dtype, any strides</td><td>rounds when narrowing.</td></tr>
 * </table>
 * The CPU backend computes exactly these semantics (its half-precision and NHWC paths convert operands to float32
 * NCHW scratch, run the float32 kernels and round what they write: correct, not fast); the CUDA backend runs cuDNN
 * and cuBLAS with float32 compute types and NVRTC kernels that load and store every dtype with float32 math. Where
 * cuDNN's legacy API forces a difference it is documented on the CUDA class (the convolution's bias is added after
 * cuDNN rounded y, and its weight gradient is computed in the activation dtype, then accumulated in float32).
 *
 * <h2>For the graph layer</h2>
 * A compiled model picks one OperandType per value (typically NHWC + bf16 on CUDA with tensor cores, NCHW float32
 * on the CPU), allocates activations with {@code Backend.allocate(shape, dtype, format)}, and concatenates by
 * handing producers {@code narrow(1, offset, channels)} views of the output in either format. Master weights stay
 * float32 (in the format their op wants: conv weights of an NHWC plan channels-last) and the half-precision weight
 * copies are refreshed with {@link dev.jdnn.ops.Backend#cast} after each optimizer step; the model input is cast once
 * per batch. Float16 adds {@link dev.jdnn.ops.LossScaling}: the loss gradient comes out of the cross-entropy in
 * float32 and goes through {@code lossScale} into the float16 logit gradient; {@code unscaleAndCheck} on the flat
 * gradients writes the optimizer's apply flag; {@code updateLossScale} follows the update. All of it is recordable.
 * On CUDA, make the convolution plans after the activations and parameters are allocated: the workspace limit is
 * what the device can spare at plan time (see {@code CudaBackend.Options}).
 */
package dev.jdnn.ops;
