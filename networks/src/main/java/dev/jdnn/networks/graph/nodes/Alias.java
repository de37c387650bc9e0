package dev.jdnn.networks.graph.nodes;

import dev.jdnn.memory.Tensor;

import java.util.function.UnaryOperator;

/**
 * One value living inside another value's storage (or, on the gradient side, its gradient inside another's
 * gradient). Views — a channel slice (narrowChannels, a concat part written in place) or a reshape (flatten) —
 * alias both the value and its gradient the same way; an in-place activation aliases only the forward storage; a
 * residual add's operand with no other reader aliases only its gradient to the sum's gradient (dy passes through).
 * See {@link Graph#view}, {@link Graph#storageAlias}, {@link Graph#gradientAlias}.
 *
 * @param parent        the value whose storage (or gradient) holds this one
 * @param view          derives this value's tensor from the parent's tensor
 * @param coversParent  true when the view spans all of the parent
 */
public record Alias(int parent, UnaryOperator<Tensor> view, boolean coversParent) {
    /** The same tensor as the parent. */
    public static Alias whole(int parent) {
        return new Alias(parent, UnaryOperator.identity(), true);
    }
}
