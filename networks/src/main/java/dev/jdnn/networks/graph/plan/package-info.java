/**
 * Internal to the graph layer (see {@link dev.jdnn.networks.graph}): memory planning — which gradients exist,
 * every buffer's lifetime, and one arena for all of them.
 */
package dev.jdnn.networks.graph.plan;
