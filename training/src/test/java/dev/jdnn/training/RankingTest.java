package dev.jdnn.training;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The ranking rule by hand: ties and non-finite logits count against the label; exact top-k boundaries. */
class RankingTest {
    @Test
    void rankIsOnePlusTheOtherClassesScoringAtLeastAsHigh() {
        float[] z = {1f, 2f, 3f, /* row 2 */ 5f, 0f, 0f};
        assertEquals(3, Ranking.rank(z, 0, 3, 0));
        assertEquals(1, Ranking.rank(z, 0, 3, 2));
        assertEquals(1, Ranking.rank(z, 3, 3, 0));
        assertEquals(3, Ranking.rank(z, 3, 3, 1), "tied with class 2 and below class 0");
    }

    @Test
    void tiesNeverCountInTheLabelsFavour() {
        float[] zeros = new float[10];
        for (int label = 0; label < 10; label++) assertEquals(10, Ranking.rank(zeros, 0, 10, label), "all-zero logits rank every label last");
        float[] pair = {0.5f, 0.5f, 0.1f};
        assertEquals(2, Ranking.rank(pair, 0, 3, 0));
        assertEquals(2, Ranking.rank(pair, 0, 3, 1));
        assertEquals(1, Ranking.predicted(pair, 0, 3, 0), "a tie predicts the other class");
        assertEquals(0, Ranking.predicted(pair, 0, 3, 1));
        assertEquals(0, Ranking.predicted(pair, 0, 3, 2), "an unrelated label: the first of the tied maximum");
        assertEquals(0, Ranking.correctTop1(new float[]{0, 0, 0, 0}, new int[]{0, 1}, 2));
    }

    @Test
    void nanOrInfiniteLogitsLeaveTheRowUnranked() {
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            float[] labelBad = {bad, 0f, 0f}, otherBad = {5f, bad, 0f};
            assertEquals(Ranking.UNRANKED, Ranking.rank(labelBad, 0, 3, 0), "label logit " + bad);
            assertEquals(Ranking.UNRANKED, Ranking.rank(otherBad, 0, 3, 0), "another class's logit " + bad);
            assertFalse(Ranking.allFinite(otherBad, 0, 3));
            assertEquals(0, Ranking.correctTop1(labelBad, new int[]{0}, 1));
        }
        assertTrue(Ranking.allFinite(new float[]{Float.MAX_VALUE, -Float.MAX_VALUE}, 0, 2));
    }

    @Test
    void topFiveBoundaryIsExact() {
        // Label 0 at 0.5; k classes strictly higher, the rest lower.
        for (int higher = 0; higher < 8; higher++) {
            float[] z = new float[9];
            z[0] = 0.5f;
            for (int j = 1; j < 9; j++) z[j] = j <= higher ? 1f : 0f;
            assertEquals(higher + 1, Ranking.rank(z, 0, 9, 0));
        }
        float[] fourAboveOneEqual = {0.5f, 1, 1, 1, 1, 0.5f, 0, 0};
        assertEquals(6, Ranking.rank(fourAboveOneEqual, 0, 8, 0), "4 higher and a tie: rank 6, outside the top 5");
    }

    @Test
    void onlyTheFirstCountRowsAreScored() {
        float[] z = {1f, 2f, 3f, 5f, 0f, 0f};
        assertEquals(2, Ranking.correctTop1(z, new int[]{2, 0}, 2));
        assertEquals(1, Ranking.correctTop1(z, new int[]{2, 1}, 2));
        assertEquals(1, Ranking.correctTop1(z, new int[]{2, 1}, 1));
    }

    @Test
    void topKAndSoftmax() {
        float[] z = {0.1f, 3f, 2f, 3f};
        assertEquals(List.of(1, 3, 2), Ranking.topK(z, 3), "highest first, equal logits by index");
        assertEquals(List.of(1, 3, 2, 0), Ranking.topK(z, 10), "k beyond the classes: all of them");
        assertThrows(IllegalArgumentException.class, () -> Ranking.topK(z, 0));
        double sum = 0;
        for (int i = 0; i < 4; i++) sum += Ranking.softmax(z, i);
        assertEquals(1, sum, 1e-12);
        assertEquals(Math.exp(2) / (Math.exp(0.1f) + 2 * Math.exp(3) + Math.exp(2)), Ranking.softmax(z, 2), 1e-12);
    }
}
