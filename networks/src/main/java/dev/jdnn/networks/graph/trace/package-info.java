/**
 * Internal to the graph layer (see {@link dev.jdnn.networks.graph}): building a module's graph —
 * {@link dev.jdnn.networks.graph.trace.GraphBuilder} traces it with the one {@link dev.jdnn.networks.Tracer}
 * implementation and applies the storage-sharing rewrites.
 */
package dev.jdnn.networks.graph.trace;
