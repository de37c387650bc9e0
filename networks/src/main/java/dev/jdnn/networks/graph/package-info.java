/**
 * The graph layer: turns a {@link dev.jdnn.networks.Layer} into a static, memory-planned program on a
 * {@link dev.jdnn.ops.Backend}. Entry point: {@link dev.jdnn.networks.graph.CompiledModel#compile}.
 *
 * <p>How a compile proceeds, class by class:
 * <ol>
 *   <li>{@code GraphTracer} runs the module's forward on symbolic values, once for the training graph and once for
 *       the evaluation graph, recording one {@code Node} per leaf layer and structural op (ConvNode, BatchNormNode,
 *       ConcatNode, ...) into a {@code Graph}, inferring and checking shapes; errors name the module path.</li>
 *   <li>Graph rewrites decide storage sharing: {@code InPlaceConcat} (producers write into channel slices of the
 *       concat output), {@code InPlaceActivations} (ReLU overwrites its input), {@code AddPassThrough} (a residual
 *       branch takes the sum's gradient as its own). Views (narrowChannels, flatten) are {@code Alias}es from the
 *       start.</li>
 *   <li>{@code GradientFlow} decides which gradients exist (frozen parameters and everything upstream of only frozen
 *       work get none); {@code BufferPlan} lists every buffer with its lifetime on the {@code Timeline} and the beta
 *       of every gradient write; {@code MemoryPlanner} packs the buffers into one arena.</li>
 *   <li>{@code ParameterStore} holds the parameters (flat trainable values, flat gradients, the rest) and
 *       initialises them; {@code PlanCache} creates backend plans once per distinct spec.</li>
 *   <li>{@code ExecutionPlan} binds a {@code NodeContext} of tensors to every node and runs forward, loss and
 *       backward.</li>
 *   <li>{@code GraphRecordings} records each kind of call (evaluation forward, training forward, training step,
 *       training step with the optimizer update reading its per-step scalars from device memory, behind a guard
 *       that skips it when the step's loss is not finite, {@code GuardedUpdate}) once and replays it where the
 *       backend can (CUDA graphs, {@link dev.jdnn.ops.Backend#capture}); a node whose
 *       per-step work could not be recorded would say so ({@code Node.notCapturable}; none of the built-in nodes
 *       does: dropout and stochastic depth draw their masks on the device from counter-based streams).</li>
 * </ol>
 */
package dev.jdnn.networks.graph;
