package dev.jdnn.ops.cuda.graphapi;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.cudnn.cudnn_h;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One cuDNN backend descriptor ({@code cudnnBackendDescriptor_t}): created, given its attributes, finalised, then
 * destroyed exactly once by {@link #close()} — usually through the {@link DescriptorScope} that created it. Every
 * cuDNN status is checked and a failure names the call, the descriptor type and the attribute
 * ("cudnnBackendSetAttribute(CUDNN_BACKEND_TENSOR_DESCRIPTOR, CUDNN_ATTR_TENSOR_STRIDES, 4 x INT64)" and cuDNN's own
 * status and message). Attribute values are copied by cuDNN during the call, so each call's native memory lives in a
 * confined arena of that call only; the descriptor's own handle is an opaque address.
 */
public final class BackendDescriptor implements AutoCloseable {
    private final DescriptorType type;
    private MemorySegment handle;

    private BackendDescriptor(DescriptorType type, MemorySegment handle) {
        this.type = type;
        this.handle = handle;
    }

    /** A new descriptor; prefer {@link DescriptorScope#create}, which also destroys it. */
    static BackendDescriptor create(DescriptorType type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS);
            Check.cudnn(cudnn_h.cudnnBackendCreateDescriptor(type.value, out), "cudnnBackendCreateDescriptor(" + type.cName() + ")");
            return new BackendDescriptor(type, out.get(ValueLayout.ADDRESS, 0));
        }
    }

    public DescriptorType type() {
        return type;
    }

    /** The native handle, for calls that take the descriptor itself (cudnnBackendExecute). */
    public MemorySegment handle() {
        if (handle == null) throw new IllegalStateException(type.cName() + " is already destroyed");
        return handle;
    }

    // ---- set ----

    BackendDescriptor setLongs(Attribute a, long... values) {
        return setElements(a, AttributeType.INT64, values.length, arena -> arena.allocateFrom(ValueLayout.JAVA_LONG, values));
    }

    /** An enum-valued attribute (data type, pointwise mode, heuristics mode, ...): C ints. */
    BackendDescriptor setEnum(Attribute a, int... values) {
        if (a.type.element != ValueLayout.JAVA_INT) throw wrongType(a, "an enum (int)");
        return setElements(a, a.type, values.length, arena -> arena.allocateFrom(ValueLayout.JAVA_INT, values));
    }

    BackendDescriptor setBoolean(Attribute a, boolean value) {
        return setElements(a, AttributeType.BOOLEAN, 1, arena -> {
            MemorySegment s = arena.allocate(ValueLayout.JAVA_BOOLEAN);
            s.set(ValueLayout.JAVA_BOOLEAN, 0, value);
            return s;
        });
    }

    BackendDescriptor setFloat(Attribute a, float value) {
        return setElements(a, AttributeType.FLOAT, 1, arena -> arena.allocateFrom(ValueLayout.JAVA_FLOAT, value));
    }

    /** Descriptor-valued attributes: each element is another (finalised) descriptor. */
    BackendDescriptor setDescriptors(Attribute a, BackendDescriptor... values) {
        return setElements(a, AttributeType.BACKEND_DESCRIPTOR, values.length, arena -> {
            MemorySegment s = arena.allocate(ValueLayout.ADDRESS, values.length);
            for (int i = 0; i < values.length; i++) s.setAtIndex(ValueLayout.ADDRESS, i, values[i].handle());
            return s;
        });
    }

    /** Pointer-valued attributes (device addresses, host scalars, the cuDNN handle): raw addresses. */
    BackendDescriptor setAddresses(Attribute a, long... addresses) {
        if (a.type != AttributeType.VOID_PTR && a.type != AttributeType.HANDLE) throw wrongType(a, "a pointer");
        return setElements(a, a.type, addresses.length, arena -> {
            MemorySegment s = arena.allocate(ValueLayout.ADDRESS, Math.max(1, addresses.length));
            for (int i = 0; i < addresses.length; i++) s.setAtIndex(ValueLayout.ADDRESS, i, MemorySegment.ofAddress(addresses[i]));
            return s;
        });
    }

    private interface Values {
        MemorySegment in(Arena arena);
    }

    private BackendDescriptor setElements(Attribute a, AttributeType as, long count, Values values) {
        if (a.type != as) throw wrongType(a, as.name());
        try (Arena arena = Arena.ofConfined()) {
            Check.cudnn(cudnn_h.cudnnBackendSetAttribute(handle(), a.value, a.type.value, count, values.in(arena)),
                    "cudnnBackendSetAttribute(" + type.cName() + ", " + a.cName() + ", " + count + " x " + a.type.name() + ")");
        }
        return this;
    }

    private IllegalArgumentException wrongType(Attribute a, String asked) {
        return new IllegalArgumentException(a.cName() + " holds " + a.type.name() + " elements, not " + asked);
    }

    /** cudnnBackendFinalize: cuDNN checks the attributes together; a refusal names this descriptor. */
    public BackendDescriptor finish() {
        Check.cudnn(cudnn_h.cudnnBackendFinalize(handle()), "cudnnBackendFinalize(" + type.cName() + ")");
        return this;
    }

    // ---- get ----

    /** A single INT64 attribute (counts, sizes, indices). */
    long getLong(Attribute a) {
        long[] v = getLongs(a, 1);
        if (v.length != 1) throw new IllegalStateException(type.cName() + " returned " + v.length + " elements for " + a.cName());
        return v[0];
    }

    long[] getLongs(Attribute a, int max) {
        if (a.type != AttributeType.INT64) throw wrongType(a, "INT64");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG, Math.max(1, max));
            int n = getElements(a, max, out, arena);
            return out.asSlice(0, n * 8L).toArray(ValueLayout.JAVA_LONG);
        }
    }

    /** Up to {@code max} elements of an enum-valued attribute (numerical notes, behaviour notes, ...). */
    int[] getEnums(Attribute a, int max) {
        if (a.type.element != ValueLayout.JAVA_INT) throw wrongType(a, "an enum (int)");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.JAVA_INT, Math.max(1, max));
            int n = getElements(a, max, out, arena);
            return out.asSlice(0, n * 4L).toArray(ValueLayout.JAVA_INT);
        }
    }

    /**
     * The descriptors of a descriptor-valued attribute: cuDNN fills descriptors the caller created, so {@code max}
     * descriptors of {@code elementType} are created in {@code scope}; those beyond the count returned are destroyed.
     */
    List<BackendDescriptor> getDescriptors(Attribute a, DescriptorType elementType, int max, DescriptorScope scope) {
        if (a.type != AttributeType.BACKEND_DESCRIPTOR) throw wrongType(a, "descriptors");
        List<BackendDescriptor> created = new ArrayList<>(max);
        for (int i = 0; i < max; i++) created.add(scope.create(elementType));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ValueLayout.ADDRESS, Math.max(1, max));
            for (int i = 0; i < max; i++) out.setAtIndex(ValueLayout.ADDRESS, i, created.get(i).handle());
            int n = getElements(a, max, out, arena);
            for (int i = n; i < max; i++) scope.destroy(created.get(i));
            return List.copyOf(created.subList(0, n));
        }
    }

    /** How many elements an attribute holds now (asking for none). */
    int count(Attribute a) {
        try (Arena arena = Arena.ofConfined()) {
            return getElements(a, 0, MemorySegment.NULL, arena);
        }
    }

    private int getElements(Attribute a, int max, MemorySegment out, Arena arena) {
        MemorySegment count = arena.allocate(ValueLayout.JAVA_LONG);
        Check.cudnn(cudnn_h.cudnnBackendGetAttribute(handle(), a.value, a.type.value, max, count, out),
                "cudnnBackendGetAttribute(" + type.cName() + ", " + a.cName() + ")");
        long n = count.get(ValueLayout.JAVA_LONG, 0);
        return (int) Math.min(n, max == 0 ? n : max);
    }

    /** cudnnBackendDestroyDescriptor, once; later calls do nothing. */
    @Override
    public void close() {
        if (handle == null) return;
        MemorySegment h = handle;
        handle = null;
        Check.cudnn(cudnn_h.cudnnBackendDestroyDescriptor(h), "cudnnBackendDestroyDescriptor(" + type.cName() + ")");
    }

    @Override
    public String toString() {
        return type.cName() + (handle == null ? " (destroyed)" : "");
    }
}
