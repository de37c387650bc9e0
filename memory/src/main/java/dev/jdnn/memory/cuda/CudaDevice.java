package dev.jdnn.memory.cuda;

import dev.jdnn.bindings.Check;
import dev.jdnn.bindings.Out;
import dev.jdnn.bindings.cuda.cuda_h;
import dev.jdnn.bindings.cudart.cudart_h;
import dev.jdnn.memory.Device;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** What one GPU is: name, compute capability, size. {@link #memoryInfo()} asks for the current free memory. */
public record CudaDevice(int ordinal, String name, int computeMajor, int computeMinor, long totalBytes, int multiprocessors) {

    /** Free and total bytes on the device right now (cudaMemGetInfo). */
    public record MemoryInfo(long freeBytes, long totalBytes) {
    }

    public static CudaDevice describe(int ordinal) {
        CudaRuntime.requireDevice(ordinal);
        return new CudaDevice(ordinal, name(ordinal),
                attribute(cudart_h.cudaDevAttrComputeCapabilityMajor(), ordinal),
                attribute(cudart_h.cudaDevAttrComputeCapabilityMinor(), ordinal),
                memoryInfo(ordinal).totalBytes(),
                attribute(cudart_h.cudaDevAttrMultiProcessorCount(), ordinal));
    }

    public Device device() {
        return Device.cuda(ordinal);
    }

    /** "8.0", "9.0"... */
    public String computeCapability() {
        return computeMajor + "." + computeMinor;
    }

    public MemoryInfo memoryInfo() {
        return memoryInfo(ordinal);
    }

    public static int attribute(int attribute, int ordinal) {
        return Out.intValue(p -> Check.cudart(cudart_h.cudaDeviceGetAttribute(p, attribute, ordinal), "cudaDeviceGetAttribute"));
    }

    /** cudaMemGetInfo answers for the current device: switch to {@code ordinal}, then back, so callers keep theirs. */
    public static MemoryInfo memoryInfo(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment previous = arena.allocate(ValueLayout.JAVA_INT);
            Check.cudart(cudart_h.cudaGetDevice(previous), "cudaGetDevice");
            CudaRuntime.setDevice(ordinal);
            try {
                MemorySegment free = arena.allocate(ValueLayout.JAVA_LONG);
                MemorySegment total = arena.allocate(ValueLayout.JAVA_LONG);
                Check.cudart(cudart_h.cudaMemGetInfo(free, total), "cudaMemGetInfo");
                return new MemoryInfo(free.get(ValueLayout.JAVA_LONG, 0), total.get(ValueLayout.JAVA_LONG, 0));
            } finally {
                CudaRuntime.setDevice(previous.get(ValueLayout.JAVA_INT, 0));
            }
        }
    }

    /** The runtime has no name query: the driver API's cuDeviceGetName (the ordinals agree for visible devices). */
    private static String name(int ordinal) {
        Check.driver(cuda_h.cuInit(0), "cuInit");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(ValueLayout.JAVA_INT);
            Check.driver(cuda_h.cuDeviceGet(device, ordinal), "cuDeviceGet");
            MemorySegment name = arena.allocate(256);
            Check.driver(cuda_h.cuDeviceGetName(name, (int) name.byteSize(), device.get(ValueLayout.JAVA_INT, 0)), "cuDeviceGetName");
            return name.getString(0);
        }
    }

    @Override
    public String toString() {
        return "cuda:%d %s (compute capability %s, %d SMs, %,d MiB)".formatted(ordinal, name, computeCapability(), multiprocessors, totalBytes >> 20);
    }
}
