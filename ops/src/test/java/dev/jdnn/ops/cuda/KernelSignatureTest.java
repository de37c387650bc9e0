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

    private static final KernelOperands.Walk WALK = new KernelOperands.Walk(2, 3, 4, false, true);
    private static final KernelOperands.Ref REF = new KernelOperands.Ref(0x1000, 12, 4, 1, 0);

    @Test
    void fillTakesAWalkARefAndAFloat() {
        KernelSignature fill = KernelSignature.parse(KernelCache.source(KernelFile.POINTWISE), "fill");
        assertEquals(java.util.List.of(KernelSignature.Kind.WALK, KernelSignature.Kind.REF, KernelSignature.Kind.FLOAT), fill.params());
        fill.check(new Object[]{WALK, REF, 1f});
        var count = assertThrows(IllegalArgumentException.class, () -> fill.check(new Object[]{WALK, REF}));
        assertTrue(count.getMessage().contains("takes 3 arguments, 2 were given"), count.getMessage());
        var kind = assertThrows(IllegalArgumentException.class, () -> fill.check(new Object[]{WALK, 10L, 1f}));
        assertTrue(kind.getMessage().contains("argument 1 must be REF, got Long"), kind.getMessage());
        var swapped = assertThrows(IllegalArgumentException.class, () -> fill.check(new Object[]{REF, WALK, 1f}));
        assertTrue(swapped.getMessage().contains("argument 0 must be WALK, got Ref"), swapped.getMessage());
    }

    @Test
    void poolingTakesTheGeometryStruct() {
        KernelSignature pool = KernelSignature.parse(KernelCache.source(KernelFile.POOLING), "adaptive_avg_forward");
        assertEquals(KernelSignature.Kind.STRUCT, pool.params().get(0));
        pool.check(new Object[]{new int[11], WALK, 1f, REF, 0f, REF});
    }

    @Test
    void structsPackAsCommonCuhDeclaresThem() {
        // struct Ref { void* p; i64 n, c, s; int type; } and struct Walk { i64 N, C, HW; int channelsLast; int dense; }
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment m = arena.allocate(64);
            new KernelOperands.Ref(0x1234, 5, 6, 7, 2).pack(m, 0);
            assertArrayEquals(new long[]{0x1234, 5, 6, 7}, java.util.Arrays.copyOf(m.toArray(java.lang.foreign.ValueLayout.JAVA_LONG), 4));
            assertEquals(2, m.get(java.lang.foreign.ValueLayout.JAVA_INT, 32), "type after the four 8-byte fields");
            new KernelOperands.Walk(8, 64, 3136, true, false).pack(m, 0);
            assertArrayEquals(new long[]{8, 64, 3136}, java.util.Arrays.copyOf(m.toArray(java.lang.foreign.ValueLayout.JAVA_LONG), 3));
            assertEquals(1, m.get(java.lang.foreign.ValueLayout.JAVA_INT, 24), "channelsLast");
            assertEquals(0, m.get(java.lang.foreign.ValueLayout.JAVA_INT, 28), "dense");
        }
        assertTrue(KernelCache.source(KernelFile.POINTWISE).contains("struct Ref { void* p; i64 n, c, s; int type; };"), "common.cuh's Ref");
        assertTrue(KernelCache.source(KernelFile.POINTWISE).contains("struct Walk { i64 N, C, HW; int channelsLast; int dense; };"), "common.cuh's Walk");
    }
}
