package dev.jdnn.training.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ClassSubsetTest {
    /** 1x1 images: sample i has label labels[i] and pixel value i (so a read tells which base sample it was). */
    private static Dataset base(int... labels) {
        byte[] pixels = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) pixels[i] = (byte) i;
        return new ByteImageDataset(pixels, labels, 1, 1, 1, List.of("a", "b", "c", "d"));
    }

    private static int baseIndexOf(Dataset d, int index) {
        float[] px = new float[1];
        d.read(index, px);
        return Math.round(px[0] * 255);
    }

    @Test
    void keepsSelectedClassesInOrderAndRelabelsThemInTheGivenOrder() {
        Dataset b = base(0, 3, 1, 2, 3, 0, 1);
        ClassSubset s = new ClassSubset(b, new int[]{3, 1}, 0);
        assertEquals(List.of("d", "b"), s.classNames());
        assertEquals(4, s.size());
        int[] expectedBase = {1, 2, 4, 6}, expectedLabel = {0, 1, 0, 1};
        for (int i = 0; i < s.size(); i++) {
            assertEquals(expectedBase[i], baseIndexOf(s, i), "sample " + i);
            assertEquals(expectedLabel[i], s.label(i), "label of sample " + i);
            assertEquals(expectedLabel[i], s.read(i, new float[1]), "label returned by read " + i);
        }
        assertThrows(IndexOutOfBoundsException.class, () -> s.label(4));
    }

    @Test
    void perClassKeepsTheFirstNOfEachClass() {
        Dataset b = base(2, 2, 0, 2, 0, 0, 1);
        ClassSubset s = new ClassSubset(b, new int[]{0, 1, 2}, 2);
        assertEquals(5, s.size()); // two 2s, two 0s, the single 1
        int[] expectedBase = {0, 1, 2, 4, 6};
        for (int i = 0; i < s.size(); i++) assertEquals(expectedBase[i], baseIndexOf(s, i), "sample " + i);
    }

    @Test
    void parsesIndicesAndRanges() {
        assertArrayEquals(new int[]{0, 1, 2, 3, 4}, ClassSubset.parseClasses("0-4"));
        assertArrayEquals(new int[]{5, 7, 9}, ClassSubset.parseClasses("5,7,9"));
        assertArrayEquals(new int[]{8, 0, 1, 2}, ClassSubset.parseClasses("8, 0-2"));
    }

    @Test
    void badClassListsAreNamed() {
        Dataset b = base(0, 1, 2, 3);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassSubset.parseClasses("0-x")).getMessage().contains("'0-x'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ClassSubset.parseClasses("4-2")).getMessage().contains("backwards"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClassSubset(b, new int[]{1, 4}, 0)).getMessage().contains("class 4 is outside [0, 4)"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClassSubset(b, new int[]{1, 1}, 0)).getMessage().contains("twice"));
        assertThrows(IllegalArgumentException.class, () -> new ClassSubset(b, new int[0], 0));
        assertThrows(IllegalArgumentException.class, () -> new ClassSubset(b, new int[]{0}, -1));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new ClassSubset(base(0, 0), new int[]{3}, 0)).getMessage().contains("no samples"));
    }
}
