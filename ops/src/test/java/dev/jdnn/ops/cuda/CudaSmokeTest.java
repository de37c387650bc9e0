package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LinearPlan;
import dev.jdnn.ops.LinearSpec;
import dev.jdnn.ops.testing.Approx;
import dev.jdnn.ops.testing.Rand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The first things to check on a new machine: memory round trip, one GEMM, one NVRTC kernel, error handling. */
@Tag("gpu")
class CudaSmokeTest {
    private static CudaBackend cuda;

    @BeforeAll
    static void start() {
        cuda = GpuTests.backendOrNull(true);
    }

    @BeforeEach
    void requireGpu() {
        GpuTests.assumeGpu();
    }

    @AfterAll
    static void stop() {
        if (cuda != null) cuda.close();
    }

    @Test
    void roundTrip64MiB() {
        int n = 16 << 20; // 64 MiB of floats
        float[] src = Rand.uniform(1, n);
        try (Tensor a = cuda.allocate(Shape.of(n)); Tensor b = cuda.allocate(Shape.of(n))) {
            cuda.upload(src, a);
            cuda.copy(a, b);
            float[] back = cuda.download(b);
            assertArrayEquals(src, back);
        }
    }

    @Test
    void sgemmMatchesFloat64() {
        int batch = 37, in = 129, out = 65;
        float[] x = Rand.uniform(2, batch * in), w = Rand.uniform(3, out * in);
        double[] expected = new double[batch * out];
        for (int i = 0; i < batch; i++)
            for (int o = 0; o < out; o++) {
                double s = 0;
                for (int k = 0; k < in; k++) s += (double) x[i * in + k] * w[o * in + k];
                expected[i * out + o] = s;
            }
        LinearSpec spec = new LinearSpec(batch, in, out, false);
        try (LinearPlan plan = cuda.linear(spec); Tensor tx = cuda.allocate(spec.inputShape()); Tensor tw = cuda.allocate(spec.weightShape());
             Tensor ty = cuda.allocate(spec.outputShape())) {
            cuda.upload(x, tx);
            cuda.upload(w, tw);
            plan.forward(1f, tx, tw, null, 0f, ty);
            Approx.assertClose("cublasSgemm (strict FP32) vs float64", expected, cuda.download(ty), 1e-5);
        }
    }

    @Test
    void nvrtcKernelCompilesLoadsAndRuns() {
        try (Tensor t = cuda.allocate(Shape.of(3, 1000))) {
            cuda.fill(t, 2.5f);
            cuda.scale(t, 2f);
            for (float v : cuda.download(t)) assertEquals(5f, v);
        }
    }

    @Test
    void aCapturedGraphReplaysItsWork() {
        try (Tensor t = cuda.allocate(Shape.of(4, 256))) {
            cuda.fill(t, 1f);
            try (CudaGraphs.Graph g = CudaGraphs.capture(cuda, () -> cuda.scale(t, 3f))) {
                cuda.synchronize();
                for (float v : cuda.download(t)) assertEquals(1f, v, "capture must not run the work");
                g.replay();
                g.replay();
            }
            for (float v : cuda.download(t)) assertEquals(9f, v);
        }
    }

    @Test
    void badArgumentsLeaveTheBackendUsable() {
        try (Tensor a = cuda.allocate(Shape.of(4, 5)); Tensor b = cuda.allocate(Shape.of(5, 4))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.add(a, b, a));
            assertTrue(e.getMessage().contains("[5, 4]") && e.getMessage().contains("[4, 5]"), e.getMessage());
            try (Tensor ints = cuda.allocate(Shape.of(4, 5), DType.INT32)) {
                assertThrows(IllegalArgumentException.class, () -> cuda.scale(ints, 2f));
            }
            cuda.fill(a, 1f);
            cuda.add(a, a, a);
            for (float v : cuda.download(a)) assertEquals(2f, v);
        }
    }

    @Test
    void copyMovesHostTensorsToAndFromTheDeviceIncludingStridedInt32() {
        float[] values = Rand.uniform(4, 2 * 5 * 3 * 3);
        try (Tensor host = Tensor.ofHost(Shape.of(2, 5, 3, 3), values);
             Tensor wide = cuda.allocate(Shape.of(2, 8, 3, 3));
             Tensor back = Tensor.zerosHost(Shape.of(2, 5, 3, 3))) {
            cuda.fill(wide, -1f);
            Tensor slice = wide.narrow(1, 2, 5);
            cuda.copy(host, slice);                    // host → strided device view
            host.copyFrom(new float[values.length]);   // the source was staged: overwriting it now must not matter
            cuda.copy(slice, back);                    // strided device view → host
            assertArrayEquals(values, back.toFloatArray());
            float[] all = cuda.download(wide);
            assertEquals(-1f, all[0], "channels outside the slice are untouched");
        }
        try (Tensor labels = Tensor.ofHostInts(Shape.of(6), 5, 1, 4, 1, 3, 9);
             Tensor dev = cuda.allocate(Shape.of(6), DType.INT32);
             Tensor everyOther = cuda.allocate(Shape.of(3), DType.INT32);
             Tensor host = Tensor.ofHostInts(Shape.of(3), 0, 0, 0)) {
            cuda.copy(labels, dev);
            cuda.copy(dev.step(0, 2), everyOther); // strided int32 on the device
            cuda.copy(everyOther, host);
            assertArrayEquals(new int[]{5, 4, 3}, host.toIntArray());
        }
    }

    @Test
    void aHostTensorIsRejectedWithBothDevicesNamed() {
        try (Tensor host = Tensor.ofHost(Shape.of(2), 1f, 2f)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cuda.scale(host, 2f));
            assertTrue(e.getMessage().contains("cpu") && e.getMessage().contains("cuda:0"), e.getMessage());
        }
    }

    /** The backend was made on the test's thread; a fresh thread must get the device made current before its first op. */
    @Test
    void anotherThreadCanDriveTheBackend() throws Exception {
        float[] src = Rand.uniform(7, 1000);
        float[][] back = new float[1][];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try (Tensor a = cuda.allocate(Shape.of(1000))) {
                cuda.upload(src, a);
                cuda.scale(a, 2f); // an NVRTC kernel launch: needs the primary context current on this thread
                back[0] = cuda.download(a);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] != null) fail("backend op on a second thread", failure[0]);
        for (int i = 0; i < src.length; i++) assertEquals(2f * src[i], back[0][i], 0f, "element " + i);
    }
}
