package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.DropoutPlan;
import dev.jdnn.ops.DropoutSpec;
import dev.jdnn.ops.DropoutStream;
import dev.jdnn.ops.cpu.HostTensors.Rows;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Inverted dropout with a byte mask (1 = kept) in the caller's reserve tensor, element i of the row-major order at
 * byte i. Forward call k keeps element i by {@link DropoutStream} from (seed, k, i): the mask is the same however the
 * work is split across threads, equals CudaDropout's, and the plan's random state is the call counter alone.
 */
final class CpuDropout implements DropoutPlan {
    private final DropoutSpec spec;
    private final float scale;
    private final int threshold;
    private final AtomicLong calls = new AtomicLong();

    CpuDropout(DropoutSpec spec) {
        this.spec = spec;
        this.scale = spec.scale();
        this.threshold = spec.threshold();
    }

    @Override
    public DropoutSpec spec() {
        return spec;
    }

    @Override
    public void forward(Tensor x, Tensor y, Tensor reserve) {
        Rows[] r = rows("dropout", x, "x", y, "y");
        Rows rx = r[0], ry = r[1];
        MemorySegment mask = mask("dropout", reserve);
        long key = DropoutStream.key(spec.seed(), calls.getAndIncrement());
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) -> {
            long first = (long) row * rx.len();
            for (int i = from; i < to; i++) {
                long e = first + i;
                boolean keep = DropoutStream.keeps(key, e, threshold);
                mask.set(ValueLayout.JAVA_BYTE, e, (byte) (keep ? 1 : 0));
                Vec.set(ry.seg(), ry.at(row) + i, keep ? Vec.get(rx.seg(), rx.at(row) + i) * scale : 0f);
            }
        });
    }

    @Override
    public long position() {
        return calls.get();
    }

    @Override
    public void seek(long position) {
        if (position < 0) throw new IllegalArgumentException("dropout stream position must be >= 0, got " + position);
        calls.set(position);
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
        HostTensors.batched(op + " " + inName, in, spec.shape());
        HostTensors.batched(op + " " + outName, out, spec.shape());
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
}
