/**
 * Internal to the graph layer (see {@link dev.jdnn.networks.graph}): the traced graph and its node kinds. A new op
 * is one class here: a {@code trace} factory with its shape rules (called by the tracer's typed method), its
 * {@code prepare} (backend plans through {@link dev.jdnn.networks.graph.nodes.PlanCache}), {@code forward} and
 * {@code backward} on a {@link dev.jdnn.networks.graph.nodes.NodeContext}, and what its backward keeps alive.
 */
package dev.jdnn.networks.graph.nodes;
