package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.cpu.HostTensors.Rows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

/**
 * Inverted dropout with a byte mask (1 = kept) in the caller's reserve tensor, element i of the row-major order at
 * byte i. Each forward call draws one 64-bit key from the plan's seeded {@link SplittableRandom}; element i is kept
 * when a SplitMix64 hash of (key, i) is at or above p. Being counter-based, the mask is the same however the work is
 * split across threads, and the stream still advances with every call.
 */
final class CpuDropout implements DropoutPlan {
    private final Shape shape;
    private final float probability, scale;
    private final long threshold; // keep when the top 24 bits of the hash are >= threshold
    private final SplittableRandom random;

    CpuDropout(Shape shape, float probability, long seed) {
        if (!(probability >= 0 && probability < 1)) throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + probability);
        this.shape = shape;
        this.probability = probability;
        this.scale = 1f / (1f - probability);
        this.threshold = Math.round((double) probability * (1 << 24));
        this.random = new SplittableRandom(seed);
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public float probability() {
        return probability;
    }

    @Override
    public long reserveBytes() {
        return shape.numel();
    }

    @Override
    public void forward(Tensor x, Tensor y, Tensor reserve) {
        Rows[] r = rows("dropout", x, "x", y, "y");
        Rows rx = r[0], ry = r[1];
        MemorySegment mask = mask("dropout", reserve);
        long key;
        synchronized (random) {
            key = random.nextLong();
        }
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) -> {
            long first = (long) row * rx.len();
            for (int i = from; i < to; i++) {
                long e = first + i;
                boolean keep = (mix(key + e * 0x9E3779B97F4A7C15L) >>> 40) >= threshold;
                mask.set(ValueLayout.JAVA_BYTE, e, (byte) (keep ? 1 : 0));
                Vec.set(ry.seg(), ry.at(row) + i, keep ? Vec.get(rx.seg(), rx.at(row) + i) * scale : 0f);
            }
        });
    }

    @Override
    public void backward(Tensor dy, Tensor dx, Tensor reserve) {
        Rows[] r = rows("dropout backward", dy, "dy", dx, "dx");
        Rows rg = r[0], rd = r[1];
        MemorySegment mask = mask("dropout backward", reserve);
        Runs.forEach(rg.rows(), rg.len(), (row, from, to) -> {
            long first = (long) row * rg.len();
            for (int i = from; i < to; i++) {
                boolean keep = mask.get(ValueLayout.JAVA_BYTE, first + i) != 0;
                Vec.set(rd.seg(), rd.at(row) + i, keep ? Vec.get(rg.seg(), rg.at(row) + i) * scale : 0f);
            }
        });
    }

    private Rows[] rows(String op, Tensor in, String inName, Tensor out, String outName) {
        HostTensors.batched(op + " " + inName, in, shape);
        HostTensors.batched(op + " " + outName, out, shape);
        // Per-sample rows always, so the mask index (row * len + i) is the row-major element index.
        return new Rows[] {Rows.perSample(in), Rows.perSample(out)};
    }

    private MemorySegment mask(String op, Tensor reserve) {
        if (reserve == null) throw new IllegalArgumentException(op + ": reserve tensor is null (needs " + reserveBytes() + " bytes)");
        reserve.requireDevice(dev.jdnn.memory.Device.CPU, op + " reserve");
        MemorySegment seg = reserve.hostSegment();
        if (!reserve.isContiguous() || seg.byteSize() < reserveBytes()) {
            throw new IllegalArgumentException(op + ": reserve must be a contiguous tensor of at least " + reserveBytes() + " bytes, got " + reserve.describe());
        }
        return seg;
    }

    /** SplitMix64's finaliser: a bijective 64-bit mix with good avalanche. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
