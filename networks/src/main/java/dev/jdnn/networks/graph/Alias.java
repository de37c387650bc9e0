package dev.jdnn.networks.graph;

import dev.jdnn.memory.Tensor;

import java.util.function.UnaryOperator;

/**
 * A value stored inside another value's storage: a channel slice (narrowChannels, or a concat part written in place),
 * a reshape (flatten), or an in-place activation's output overwriting its input. For views the gradient mirrors the
 * same tree (the gradient of a view is the same view of its parent's gradient); an in-place activation only shares
 * the forward storage, its input and output keep separate gradients.
 *
 * @param parent          the value whose storage holds this one
 * @param view            derives this value's tensor from the parent's tensor
 * @param coversParent    true when the view spans all of the parent (a reshape, a full-width slice, in place)
 * @param sharesGradient  true for views: the gradient is aliased the same way
 */
record Alias(int parent, UnaryOperator<Tensor> view, boolean coversParent, boolean sharesGradient) {
    /** A zero-copy view (slice or reshape) whose gradient is the same view of the parent's gradient. */
    static Alias view(int parent, UnaryOperator<Tensor> view, boolean coversParent) {
        return new Alias(parent, view, coversParent, true);
    }

    /** An op writing its output over its input: same storage, separate gradients. */
    static Alias inPlace(int parent) {
        return new Alias(parent, UnaryOperator.identity(), true, false);
    }
}
