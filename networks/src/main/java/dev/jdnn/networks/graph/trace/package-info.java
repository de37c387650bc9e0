/**
 * Internal to the graph layer (see {@link dev.jdnn.networks.graph}): building a module's graph —
 * {@link dev.jdnn.networks.graph.trace.GraphBuilder} traces it with the one {@link dev.jdnn.networks.Tracer}
 * implementation and applies the rewrites: concat parts written in place (NCHW only), fusion, in-place activations,
 * residual gradient pass-through. The tracer stores every value as the compile's activation type (format and dtype)
 * and adds the nodes a non-default one needs: the cast of the float32 NCHW model input, before a flatten of
 * channels-last features with more than one pixel a copy into NCHW order, and a dense copy of a channels-last channel
 * slice (cuDNN's NHWC kernels get densely packed operands only, as from PyTorch); none takes a trace position, so
 * random streams are seeded as in a float32 NCHW compile.
 *
 * <h2>Fusion ({@code FuseGroups})</h2>
 * What fuses, when it falls back, and where to see it:
 * <ul>
 *   <li><b>Candidates.</b> Every convolution whose only reader is a batch norm or a ReLU. Evaluation graph: conv
 *       [+ batch norm] [+ ReLU] (at least one of the two) becomes one conv-bias-activation plan, the batch norm
 *       folded into the convolution. Training graph: conv + batch norm (batch statistics) [+ ReLU] becomes
 *       conv-stats + bn-finalize + one scale-bias(-ReLU) pass, its batch-norm backward bn-backward; and where such a
 *       group's ReLU output is read only by another such group, that reader's backward-data applies the ReLU's
 *       derivative (dgrad-drelu) so the ReLU's own backward pass disappears. A ReLU joins a group only when it is the
 *       batch norm's only reader and does not write into a concat slice; other activations (ReLU6, SiLU,
 *       hard-swish) stay separate nodes after a conv + batch-norm group. Not used: conv-stats with the previous batch
 *       norm and ReLU applied to its input (and dgrad-drelu recomputing the ReLU input from the batch norm's): the
 *       convolution's weight gradient needs that ReLU output in memory anyway (cuDNN has no scale-bias-ReLU +
 *       backward-filter pattern), and once it is written, reading it back costs what recomputing it would.</li>
 *   <li><b>Graph-level fallback</b> (the group keeps its nodes, with the reason): the convolution's input or the
 *       group's output is a channel slice (fused plans need densely packed operands); a weight, bias or batch-norm
 *       vector is not 16-byte aligned (the parameter store starts each at a multiple of 128 bytes, so only a
 *       backend whose buffers start unaligned would see this); in training, the batch norm is frozen, or the
 *       convolution has a bias; in evaluation, folding the batch norm would rewrite more weights per forward than the output has elements (late layers at small
 *       batch); for dgrad-drelu, the ReLU's output has several readers (its derivative must apply to the sum of
 *       their gradients).</li>
 *   <li><b>Backend fallback</b>: the backend answers every pattern once per shape ({@code PlanCache.fuse}); a group
 *       whose forward patterns did not all fuse keeps its nodes, with the backend's reason (cuDNN rejected the
 *       graph, no engine, no plan); bn-backward and dgrad-drelu fall back inside a fused group, to the unfused
 *       backward. Every decision is taken at compile time; nothing switches at run time.</li>
 *   <li><b>Numerics.</b> The fused plans compute the unfused ops' function; on the CPU (the reference) they compose
 *       its unfused ops, except that the training statistics come from per-channel sums (variance E[y²] - E[y]², as
 *       cuDNN's gen-stats) and the evaluation graph convolves with folded weights: rounding-level differences
 *       ({@code FusedZooTest}).</li>
 * </ul>
 * The outcome is {@link dev.jdnn.networks.graph.CompiledModel#fusionStatus()}; fusion is switched by
 * {@link dev.jdnn.networks.graph.CompileOptions#fusion()}: off by default until a GPU session has verified cuDNN's fused
 * engines ({@code FusionMode.AUTO}, {@code --fusion auto}, turns it on for CUDA; {@code ON} also on the CPU). The graph
 * fuses float32 NCHW compiles only — its fused nodes are wired for float32 NCHW operands and weights, although the
 * backends' fused patterns take the other formats and dtypes too: in a channels-last or half-precision compile every
 * candidate keeps its nodes, with that reason.
 */
package dev.jdnn.networks.graph.trace;
