package dev.jdnn.networks.graph;

import dev.jdnn.memory.Tensor;

import java.util.function.UnaryOperator;

/**
 * A value stored inside another value's storage: a channel slice (narrowChannels, or a concat part written in place)
 * or a reshape (flatten). Gradients mirror the same tree, so the gradient of an alias is the same view of its
 * parent's gradient.
 *
 * @param parent        the value whose storage holds this one
 * @param view          derives this value's tensor from the parent's tensor
 * @param coversParent  true when the view spans all of the parent (a reshape or a full-width slice)
 */
record Alias(int parent, UnaryOperator<Tensor> view, boolean coversParent) {}
