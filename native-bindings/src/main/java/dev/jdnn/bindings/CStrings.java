package dev.jdnn.bindings;

import java.lang.foreign.MemorySegment;

/** Reading the NUL-terminated strings native libraries return as bare pointers. */
public final class CStrings {
    private CStrings() {
    }

    /** The string at a pointer returned by native code, or "(null)" for NULL. */
    public static String read(MemorySegment pointer) {
        if (pointer == null || pointer.equals(MemorySegment.NULL)) return "(null)";
        return pointer.reinterpret(Long.MAX_VALUE).getString(0);
    }
}
