package dev.jdnn.ops.cuda;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The launch-argument check: kinds read from the .cu sources, mismatches named. Needs no GPU or library. */
class KernelSignatureTest {
    @Test
    void everyKernelSignatureParses() {
        for (Kernel k : Kernel.ALL) {
            KernelSignature sig = KernelSignature.parse(KernelCache.source(k.file()), k.name());
            assertFalse(sig.params().isEmpty(), k.name());
        }
    }

    @Test
    void fillTakesWideWideWideWideFloat() {
        KernelSignature fill = KernelSignature.parse(KernelCache.source(KernelFile.POINTWISE), "fill");
        fill.check(new Object[]{10L, 10L, null, 10L, 1f});
        var count = assertThrows(IllegalArgumentException.class, () -> fill.check(new Object[]{10L, 10L, null, 10L}));
        assertTrue(count.getMessage().contains("takes 5 arguments, 4 were given"), count.getMessage());
        var kind = assertThrows(IllegalArgumentException.class, () -> fill.check(new Object[]{10, 10L, null, 10L, 1f}));
        assertTrue(kind.getMessage().contains("argument 0 must be WIDE, got Integer"), kind.getMessage());
    }

    @Test
    void poolingTakesTheGeometryStruct() {
        KernelSignature pool = KernelSignature.parse(KernelCache.source(KernelFile.POOLING), "adaptive_avg_forward");
        assertEquals(KernelSignature.Kind.STRUCT, pool.params().get(0));
        pool.check(new Object[]{new int[11], 4, 1f, null, 5L, 0f, null, 6L});
    }
}
