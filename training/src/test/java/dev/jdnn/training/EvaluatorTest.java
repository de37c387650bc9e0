package dev.jdnn.training;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The host-side scoring of logits, against hand-computed values. */
class EvaluatorTest {
    @Test
    void crossEntropyRankAndTop1ByHand() {
        float[] z = {1f, 2f, 3f, /* row 2 */ 5f, 0f, 0f};
        // -log softmax(z)[0] for row 1 = log(e^1 + e^2 + e^3) - 1
        assertEquals(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1, Evaluator.crossEntropy(z, 0, 3, 0), 1e-12);
        assertEquals(2, Evaluator.rankOf(z, 0, 3, 0));
        assertEquals(0, Evaluator.rankOf(z, 0, 3, 2));
        assertEquals(0, Evaluator.rankOf(z, 3, 3, 0));
        assertEquals(2, Evaluator.correctTop1(z, new int[]{2, 0}, 2));
        assertEquals(1, Evaluator.correctTop1(z, new int[]{2, 1}, 2));
        assertEquals(1, Evaluator.correctTop1(z, new int[]{2, 1}, 1), "only the first count rows are real");
    }
}
