package dev.jdnn.bindings;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.Consumer;

/**
 * C out-parameters in one line: the call gets a scratch slot, its content is returned.
 * {@code MemorySegment handle = Out.pointer(p -> Check.cudnn(cudnn_h.cudnnCreate(p), "cudnnCreate"));}
 */
public final class Out {
    private Out() {
    }

    /** For {@code int*} / enum* out-parameters. */
    public static int intValue(Consumer<MemorySegment> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ValueLayout.JAVA_INT);
            call.accept(slot);
            return slot.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** For {@code size_t*} / {@code long long*} out-parameters. */
    public static long longValue(Consumer<MemorySegment> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ValueLayout.JAVA_LONG);
            call.accept(slot);
            return slot.get(ValueLayout.JAVA_LONG, 0);
        }
    }

    /** For {@code float*} out-parameters (e.g. cudaEventElapsedTime). */
    public static float floatValue(Consumer<MemorySegment> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ValueLayout.JAVA_FLOAT);
            call.accept(slot);
            return slot.get(ValueLayout.JAVA_FLOAT, 0);
        }
    }

    /** For handle and pointer out-parameters ({@code cudnnHandle_t*}, {@code void**}); the result is a zero-length segment. */
    public static MemorySegment pointer(Consumer<MemorySegment> call) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ValueLayout.ADDRESS);
            call.accept(slot);
            return slot.get(ValueLayout.ADDRESS, 0);
        }
    }
}
