package dev.jdnn.training.data;

import org.junit.jupiter.api.Test;

import java.util.HashSet;

import static org.junit.jupiter.api.Assertions.*;

class ClassNamesTest {
    @Test
    void theSetsHaveTheirSizesAndKnownNames() {
        assertEquals(1000, ClassNames.IMAGENET_1K.size());
        assertEquals(1000, new HashSet<>(ClassNames.IMAGENET_1K).size(), "names are unique (torchvision renamed the duplicates)");
        assertEquals("tench", ClassNames.IMAGENET_1K.get(0));
        assertEquals("tabby", ClassNames.IMAGENET_1K.get(281));
        assertEquals("toilet tissue", ClassNames.IMAGENET_1K.get(999));
        assertEquals("Ankle boot", ClassNames.FASHION_MNIST.get(9));
        assertEquals("truck", ClassNames.CIFAR_10.get(9));
        assertSame(ClassNames.IMAGENET_1K, ClassNames.forClassCount(1000));
        assertNull(ClassNames.forClassCount(10), "10 classes: Fashion-MNIST, CIFAR-10 or MNIST; no guess");
    }
}
