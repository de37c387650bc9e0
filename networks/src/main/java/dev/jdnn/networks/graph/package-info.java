/**
 * The graph layer: turns a {@link dev.jdnn.networks.Layer} into a static, memory-planned program on a
 * {@link dev.jdnn.ops.Backend}. What users see is here: {@link dev.jdnn.networks.graph.CompiledModel#compile}
 * (the façade), {@link dev.jdnn.networks.graph.CompileOptions} (memory sharing, CUDA graphs, fusion, and the
 * precision and memory layout the model computes in), {@link dev.jdnn.networks.graph.GuardedUpdate} (an
 * optimizer update recorded with the training step), {@link dev.jdnn.networks.graph.MemoryReport},
 * {@link dev.jdnn.networks.graph.ModelTrace} (a backend-free trace: shapes and multiply-adds per op), and
 * {@link dev.jdnn.networks.graph.ModelProfile} (where a step's device time goes, node by node). The
 * subpackages are the layer's inside, one job each, public only so that they can reach each other:
 * <ol>
 *   <li>{@code graph.nodes} — what a traced model is made of: the {@code Graph} (values, nodes in execution order,
 *       storage aliases) and one {@code Node} class per op (ConvNode, BatchNormNode, ConcatNode, ...). Each node
 *       kind holds everything about its op: its shape rules and errors (its {@code trace} factory), its cost, the
 *       backend plans it prepares ({@code PlanCache}) and its forward and backward on the tensors a
 *       {@code NodeContext} binds for it.</li>
 *   <li>{@code graph.trace} — {@code GraphBuilder}: the one tracer ({@code GraphTracer}, the implementation of
 *       {@link dev.jdnn.networks.Tracer}) runs the module's forward on symbolic values, once for the training graph
 *       and once for the evaluation graph; then rewrites decide storage sharing ({@code InPlaceConcat},
 *       {@code InPlaceActivations}, {@code AddPassThrough}) and which groups of nodes run as the backend's fused plans
 *       ({@code FuseGroups}; {@link dev.jdnn.networks.graph.CompiledModel#fusionStatus()}).</li>
 *   <li>{@code graph.plan} — which gradients exist ({@code GradientFlow}), every buffer with its lifetime, shape, dtype
 *       and format on the {@code Timeline} ({@code BufferPlan}), and the packing of the buffers into one arena of bytes
 *       ({@code MemoryPlanner}).</li>
 *   <li>{@code graph.run} — the parameters' storage ({@code ParameterStore}: flat float32 buffers, convolution
 *       weights channels-last for NHWC plans, and in half precision the weight copies), one graph bound to memory and run
 *       forward, loss and backward ({@code ExecutionPlan}, each node call through a {@code NodeExecution}, the hook
 *       for per-node instrumentation, and {@code NodeProfiler}, the timing on it), and the recording and replay of each kind of call (CUDA graphs,
 *       {@code GraphRecordings}).</li>
 * </ol>
 */
package dev.jdnn.networks.graph;
