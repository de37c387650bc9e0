/**
 * A small Java layer over cuDNN's backend (graph) API, and the design note of jdnn's fused ops.
 *
 * <h2>The layer</h2>
 * {@link dev.jdnn.ops.cuda.graphapi.BackendDescriptor} wraps one {@code cudnnBackendDescriptor_t}: typed setters
 * checked against {@code Attribute}'s element type, every status checked with the descriptor type and attribute named,
 * destroyed exactly once, usually by the {@link dev.jdnn.ops.cuda.graphapi.DescriptorScope} that owns it; attribute
 * values live in a confined arena of one call (cuDNN copies them). {@link dev.jdnn.ops.cuda.graphapi.GraphTensor}
 * describes a tensor (uid, element type, logical NCHW dims, strides — NCHW or NHWC from
 * {@link dev.jdnn.memory.MemoryFormat} —, 16-byte alignment, virtual or by-value);
 * {@link dev.jdnn.ops.cuda.graphapi.GraphBuilder} adds operation nodes (conv forward and backward-data, pointwise
 * add/mul/ReLU/ReLU-backward/identity, gen-stats, BN finalize, batch-norm backward) and finalises the
 * {@link dev.jdnn.ops.cuda.graphapi.OperationGraph}; {@link dev.jdnn.ops.cuda.graphapi.EngineHeuristics} asks
 * heuristics mode A and FALLBACK; an {@link dev.jdnn.ops.cuda.graphapi.EngineChoice} (engine index + knobs) is what a
 * configuration is reduced to, stored on disk, and rebuilt from into an
 * {@link dev.jdnn.ops.cuda.graphapi.ExecutionPlan}; a {@link dev.jdnn.ops.cuda.graphapi.VariantPack} binds pointers.
 *
 * <p>What needs no device (cuDNN 9.24, tested by {@code GraphApiTest} and {@code FusedGraphsTest} against the pip
 * wheel's libcudnn): tensor, convolution and pointwise descriptors, every operation node, variant packs, and —
 * because cuDNN 9 deprecated the graph's handle attribute — whole operation graphs and heuristics queries (which then
 * offer no configuration). Engine configurations built into execution plans need a handle, hence a GPU. cuDNN also
 * refuses, at finalisation, a BN-finalize whose element count is not an int64 passed by value: that shaped
 * {@code CudaBnFinalize}.
 *
 * <h2>What is fused, and why</h2>
 * The patterns cuDNN fuses for ResNet-style blocks ({@link dev.jdnn.ops.FusedSpec}'s records; each states its exact
 * result as a composition of jdnn's unfused ops, which the CPU backend runs as the reference):
 * <ul>
 *   <li>inference: convolution + bias + ReLU ({@link dev.jdnn.ops.ConvBiasActivationSpec}) — one pass over the output
 *       instead of three;</li>
 *   <li>training forward: a convolution producing its output's batch-norm statistics (gen-stats), optionally with the
 *       previous batch norm's apply (as an equivalent scale and bias) and ReLU fused into its input
 *       ({@link dev.jdnn.ops.ConvStatsSpec}, cuDNN's ConvBNfprop), and the statistics finalised into that scale and bias,
 *       the saved mean/inverse std and the running statistics ({@link dev.jdnn.ops.BnFinalizeSpec}) — the
 *       normalised and ReLU'd activations are never written;</li>
 *   <li>training backward: backward-data fused with the ReLU's derivative, the ReLU's input read or recomputed from the
 *       batch norm's input ({@link dev.jdnn.ops.DgradDreluSpec}); and the batch norm's backward as one graph
 *       ({@link dev.jdnn.ops.BnBackwardSpec}).</li>
 * </ul>
 * All computation is float32; activations and weights may be float32, float16 or bfloat16 in NCHW or NHWC (Hopper's
 * fused engines want bf16/fp16 NHWC: that is where the speed is expected); per-channel vectors are float32.
 *
 * <h2>What falls back, and how it is reported</h2>
 * {@link dev.jdnn.ops.Backend#fuse} answers a {@link dev.jdnn.ops.Fusion}: a plan, or a reason — cuDNN rejected the
 * graph (GRAPH_REJECTED, with cuDNN's status), the heuristics offered no configuration jdnn's numerics admit
 * (NO_ENGINE: none offered, or how many were dropped for what: TF32 under strict FP32, down-converted inputs,
 * reduced-precision reductions, non-determinism, workspace), or none of those could be built (NO_PLAN, first failure).
 * The CPU backend fuses every float32 NCHW spec and reports other formats as OPERANDS_UNSUPPORTED. A caller falls back
 * per node to the ops the spec names; since a BN finalize consumes a conv-stats' sums and a scale-bias-ReLU input
 * consumes a BN finalize's scale and bias, the graph layer fuses a conv-BN-ReLU group only when every plan of the
 * group fused, and keeps the group's unfused nodes otherwise ({@code dev.jdnn.networks.graph.trace.FuseGroups}). Plans need operands densely packed in their layout
 * and 16-byte aligned (no channel-slice views). Engine configurations are autotuned once per shape when the backend
 * benchmarks convolutions (up to eight timed with CUDA events) and kept beside the convolution algorithms
 * ({@code fused-engines-<gpu>.txt}, key: GPU model/SMs, cuDNN version, pattern with full geometry, dtype, layout,
 * strict FP32 or TF32, determinism, workspace limit).
 *
 * <h2>What a GPU session must run</h2>
 * {@code JDNN_CLASSES="dev.jdnn.ops.cuda.CudaFusedParityTest dev.jdnn.ops.cuda.CudaFusionSurveyTest" bash ci/gpu-check.sh}
 * (with the bundle of ci/gpu-bundle.sh carried; both are gpu-tagged, so the full {@code ci/gpu-check.sh} runs them
 * too): {@code CudaFusedParityTest} compares every CUDA fused plan with the CPU's
 * composition in six operand formats (a case cuDNN does not fuse skips with its reason), replays a fused plan in a
 * CUDA graph, and checks the engine cache across two backends; {@code CudaFusionSurveyTest} prints which patterns fuse
 * for ResNet-50's shapes in fp32 NCHW and bf16 NHWC ("[fusion-survey]" lines) and why the others do not. The graph
 * layer's use of them (networks, {@code graph.trace}) is checked by {@code dev.jdnn.networks.graph.CudaFusionTest}:
 * whole models fused against unfused, with each model's fusion status ("[fusion-status]" lines).
 */
package dev.jdnn.ops.cuda.graphapi;
