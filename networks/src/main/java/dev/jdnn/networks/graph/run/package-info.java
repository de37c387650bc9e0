/**
 * Internal to the graph layer (see {@link dev.jdnn.networks.graph}): execution — parameters in flat buffers, a graph
 * bound to its memory and run node by node (each call through a {@link dev.jdnn.networks.graph.run.NodeExecution}:
 * the model's {@link dev.jdnn.networks.graph.run.NodeProfiler}, which times each call during a profile), and the
 * recording and replay of whole calls (CUDA graphs).
 */
package dev.jdnn.networks.graph.run;
