package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.HostAllocator;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.DropoutStream;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The arguments of the dropout kernels checked against dropout.cu without a GPU, and the constants the kernel shares
 * with {@link DropoutStream} (a typo in either would make the CUDA masks differ from the CPU's).
 */
class DropoutArgsTest {
    private static final String SOURCE = KernelCache.source(KernelFile.DROPOUT);

    @Test
    void argumentsMatchTheKernelSignatures() {
        try (Tensor wide = Tensor.zerosHost(Shape.of(2, 5, 3, 4)); Tensor y = Tensor.zerosHost(Shape.of(2, 3, 3, 4));
             Tensor mask = Tensor.allocate(HostAllocator.global(), Shape.of(72), DType.UINT8);
             Tensor counter = Tensor.allocate(HostAllocator.global(), Shape.of(8), DType.UINT8)) {
            Tensor x = wide.narrow(1, 1, 3); // batch-strided
            Object[] f = CudaDropout.forwardArgs(MemoryFormat.NCHW, x, y, mask, counter, 42L, 123, 2f);
            KernelSignature.parse(SOURCE, Kernel.DROPOUT_FORWARD.name()).check(f);
            assertEquals(new KernelOperands.Walk(2, 3, 12, false, false), f[0], "[N, C, HW], pixels fastest, x not dense");
            assertEquals(60L, ((KernelOperands.Ref) f[1]).n(), "x's batch stride");
            assertEquals(36L, ((KernelOperands.Ref) f[2]).n(), "y's batch stride");
            Object[] b = CudaDropout.backwardArgs(MemoryFormat.NCHW, y, x, mask, 2f);
            KernelSignature.parse(SOURCE, Kernel.DROPOUT_BACKWARD.name()).check(b);
            assertEquals(60L, ((KernelOperands.Ref) b[2]).n(), "dx's batch stride");
            KernelSignature.parse(SOURCE, Kernel.DROPOUT_ADVANCE.name()).check(new Object[]{counter});
        }
    }

    @Test
    void theKernelUsesTheStreamsConstants() {
        String golden = String.format("0x%016X", DropoutStream.GOLDEN);
        assertTrue(SOURCE.contains("#define GOLDEN " + golden + "ull"), "GOLDEN is " + golden);
        // The two multipliers of the mix, as DropoutStream.mix uses them.
        assertEquals(DropoutStream.mix(1L), mixAsInTheSource(1L));
        assertEquals(DropoutStream.mix(-7L), mixAsInTheSource(-7L));
        assertEquals(1 << 23, DropoutStream.threshold(0.5f));
        assertEquals(0, DropoutStream.threshold(0f));
    }

    @Test
    void theKernelsKeyAndKeepExpressionsAreTheStreams() {
        // Forward call k reads the counter (k) before dropout_advance increments it: key = mix(seed + (k + 1) * GOLDEN).
        var key = Pattern.compile("u64 key = splitmix\\(\\(u64\\)seed \\+ \\(\\(u64\\)counter\\[0\\] \\+ (\\d+)ull\\) \\* GOLDEN\\);").matcher(SOURCE);
        assertTrue(key.find(), "dropout_forward's key expression not found");
        long k = Long.parseLong(key.group(1));
        // keep = (mix(key + e * GOLDEN) >> shift) >= threshold, on unsigned 64-bit values (Java's >>>), e the logical index.
        assertTrue(SOURCE.contains("i64 e = logicalOf(w, q);"), "the mask is indexed by the logical element index");
        var keep = Pattern.compile("bool keep = \\(splitmix\\(key \\+ \\(u64\\)e \\* GOLDEN\\) >> (\\d+)\\) >= \\(u64\\)threshold;").matcher(SOURCE);
        assertTrue(keep.find(), "dropout_forward's keep expression not found");
        int shift = Integer.parseInt(keep.group(1));
        int threshold = DropoutStream.threshold(0.3f);
        for (long seed : new long[]{0L, 42L, -1L, Long.MIN_VALUE}) {
            for (long call : new long[]{0L, 1L, 7L, Long.MAX_VALUE - 1}) {
                long kernelKey = DropoutStream.mix(seed + (call + k) * DropoutStream.GOLDEN);
                assertEquals(DropoutStream.key(seed, call), kernelKey, "key of call " + call + ", seed " + seed);
                for (long i : new long[]{0L, 1L, 1000L, (1L << 40) + 3}) {
                    boolean kernelKeeps = Long.compareUnsigned(DropoutStream.mix(kernelKey + i * DropoutStream.GOLDEN) >>> shift, threshold) >= 0;
                    assertEquals(DropoutStream.keeps(kernelKey, i, threshold), kernelKeeps, "element " + i);
                }
            }
        }
    }

    /** The mix with the shifts and multipliers read out of dropout.cu's splitmix. */
    private static long mixAsInTheSource(long z) {
        var m = Pattern.compile("z = \\(z \\^ \\(z >> (\\d+)\\)\\) \\* (0x[0-9A-F]+)ull;").matcher(SOURCE);
        for (int i = 0; i < 2; i++) {
            assertTrue(m.find(), "splitmix step " + i + " not found in dropout.cu");
            z = (z ^ (z >>> Integer.parseInt(m.group(1)))) * Long.parseUnsignedLong(m.group(2).substring(2), 16);
        }
        var last = Pattern.compile("return z \\^ \\(z >> (\\d+)\\);").matcher(SOURCE);
        assertTrue(last.find(), "splitmix's last step not found in dropout.cu");
        return z ^ (z >>> Integer.parseInt(last.group(1)));
    }
}
