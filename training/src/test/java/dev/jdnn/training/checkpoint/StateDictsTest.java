package dev.jdnn.training.checkpoint;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Init;
import dev.jdnn.networks.Parameter;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class StateDictsTest {
    @TempDir
    Path dir;
    private final CpuBackend backend = new CpuBackend();

    private Parameter bound(String name, Shape shape, float start) {
        Parameter p = new Parameter(name, shape, Parameter.Kind.PARAMETER, Init.zeros());
        p.bindValue(backend.allocate(shape));
        float[] v = new float[(int) shape.numel()];
        for (int i = 0; i < v.length; i++) v[i] = start + i;
        backend.upload(v, p.value());
        return p;
    }

    private Map<String, Parameter> model(int classes) {
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("conv1.weight", bound("weight", Shape.of(2, 1, 3, 3), 0));
        m.put("bn1.running_mean", bound("running_mean", Shape.of(2), 100));
        m.put("fc.weight", bound("weight", Shape.of(classes, 2), 200));
        return m;
    }

    @Test
    void roundTripThroughAWeightsFile() {
        Map<String, Parameter> a = model(3), b = model(3);
        Path f = dir.resolve("m.safetensors");
        StateDicts.saveWeights(f, a, backend, Map.of());
        b.values().forEach(p -> backend.fill(p.value(), -7f));
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            LoadReport r = StateDicts.load(st, b, backend, true, k -> false);
            assertTrue(r.isClean());
            assertEquals(3, r.loaded());
            assertEquals("pt", st.metadata().get("format"));
        }
        a.forEach((k, p) -> assertArrayEquals(backend.download(p.value()), backend.download(b.get(k).value()), k));
    }

    @Test
    void reportsMissingUnexpectedAndMisShapedKeysByNameAndIgnoresNumBatchesTracked() {
        Path f = dir.resolve("other.safetensors");
        SafeTensorsFile.write(f, List.of(
                TensorData.f32("conv1.weight", new long[]{2, 1, 3, 3}, new float[18]),
                TensorData.f32("fc.weight", new long[]{10, 2}, new float[20]),
                TensorData.f32("bn1.num_batches_tracked", new long[]{}, new float[1]),
                TensorData.f32("extra.bias", new long[]{4}, new float[4])), Map.of());
        Map<String, Parameter> m = model(3);
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            var e = assertThrows(CheckpointMismatchException.class, () -> StateDicts.load(st, m, backend, true, k -> false));
            assertTrue(e.getMessage().contains("bn1.running_mean") && e.getMessage().contains("extra.bias")
                    && e.getMessage().contains("fc.weight (file [10, 2], model [3, 2])"), e.getMessage());
            assertFalse(e.getMessage().contains("num_batches_tracked"), e.getMessage());
            assertEquals(0f, backend.download(m.get("conv1.weight").value())[1] - 1f, "strict failure loads nothing");

            LoadReport r = StateDicts.load(st, m, backend, false, k -> false);
            assertEquals(List.of("bn1.running_mean"), r.missing());
            assertEquals(List.of("extra.bias"), r.unexpected());
            assertEquals(1, r.mismatched().size());
            assertEquals(1, r.loaded());
            assertEquals(0f, backend.download(m.get("conv1.weight").value())[1], "the matching key was loaded");

            LoadReport skipped = StateDicts.load(st, m, backend, false, k -> k.startsWith("fc.") || k.startsWith("extra."));
            assertEquals(List.of(), skipped.mismatched());
            assertEquals(List.of(), skipped.unexpected());
        }
    }

    /** An I32 tensor of {@code shape} holding 0, 1, 2, ... */
    private static TensorData int32(String name, long[] shape, int n) {
        return new TensorData(name, SafeTensorsDType.I32, shape, out -> {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * n).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) b.putInt(i);
            TensorData.writeFully(out, b.flip());
        });
    }

    @Test
    void anIntegerTensorInAFloatParametersPlaceIsRefusedNotConverted() {
        Path f = dir.resolve("int.safetensors");
        SafeTensorsFile.write(f, List.of(TensorData.f32("conv1.weight", new long[]{2, 1, 3, 3}, new float[18]),
                TensorData.f32("bn1.running_mean", new long[]{2}, new float[2]), int32("fc.weight", new long[]{3, 2}, 6)), Map.of());
        Map<String, Parameter> m = model(3);
        try (SafeTensorsFile st = SafeTensorsFile.open(f)) {
            var e = assertThrows(CheckpointMismatchException.class, () -> StateDicts.load(st, m, backend, true, k -> false));
            assertTrue(e.getMessage().contains("fc.weight (file dtype I32, model F32: integer and boolean tensors are not loaded into float parameters)"), e.getMessage());
            assertEquals(1f, backend.download(m.get("conv1.weight").value())[1], "strict failure loads nothing");
            LoadReport lenient = StateDicts.load(st, m, backend, false, k -> false);
            assertEquals(2, lenient.loaded());
            assertEquals(200f, backend.download(m.get("fc.weight").value())[0], "the integer tensor was not loaded");
        }
    }
}
