/**
 * Internal to the graph layer (see {@link dev.jdnn.networks.graph}): the traced graph and its node kinds. A new op
 * is one class here: a {@code trace} factory with its shape rules (called by the tracer's typed method), its
 * {@code prepare} (backend plans through {@link dev.jdnn.networks.graph.nodes.PlanCache}), {@code forward} and
 * {@code backward} on a {@link dev.jdnn.networks.graph.nodes.NodeContext}, and what its backward keeps alive.
 *
 * <h2>Fused nodes</h2>
 * The fusion rewrite ({@code graph.trace.FuseGroups}) replaces a group of traced nodes by one fused node, which keeps
 * the original nodes and runs the backend's fused plans ({@link dev.jdnn.ops.Backend#fuse}) in their place:
 * <ul>
 *   <li>{@link dev.jdnn.networks.graph.nodes.ConvBiasActivationNode} (evaluation graph): a convolution with its batch
 *       norm folded into the weights and bias (recomputed from the current weights and running statistics at every
 *       forward, so never stale) and/or its ReLU, as one conv-bias-activation plan;</li>
 *   <li>{@link dev.jdnn.networks.graph.nodes.ConvBatchNormNode} (training graph): a convolution, its batch norm with
 *       batch statistics and its ReLU when one follows — conv-stats and bn-finalize forward, the batch norm applied
 *       with its ReLU in one pass ({@link dev.jdnn.ops.Backend#scaleBiasActivation}); backward through bn-backward
 *       and dgrad-drelu where those fused, else through the original nodes' own backwards on contexts bound to the
 *       fused node's buffers.</li>
 * </ul>
 * A fused node's intermediate tensors (the convolution's output kept for the backward, the statistics, the backward's
 * scratch) are its auxiliary buffers, each with a lifetime ({@link dev.jdnn.networks.graph.nodes.Node.AuxBuffer}), so
 * the memory planner packs them with everything else. {@link dev.jdnn.networks.graph.nodes.FusionGroup} records what
 * the rewrite decided for each candidate.
 */
package dev.jdnn.networks.graph.nodes;
