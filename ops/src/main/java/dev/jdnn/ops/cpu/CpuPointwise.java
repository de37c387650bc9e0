package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.cpu.HostTensors.Rows;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.HostTensors.batched;
import static dev.jdnn.ops.cpu.HostTensors.floats;
import static dev.jdnn.ops.cpu.HostTensors.seg;

/** Elementwise and per-channel ops of {@link dev.jdnn.ops.Backend} on the CPU; operands may be batch-strided. */
final class CpuPointwise {
    private CpuPointwise() {}

    static void fill(Tensor t, float value) {
        Rows r = Rows.common("fill", new String[] {"t"}, floats("fill t", t))[0];
        Runs.forEach(r.rows(), r.len(), (row, from, to) -> Vec.fill(r.seg(), r.at(row) + from, to - from, value));
    }

    static void addScaled(float alpha, Tensor x, float beta, Tensor y) {
        floats("addScaled x", x);
        floats("addScaled y", y);
        Operands.sameShape("addScaled", x, "x", y, "y");
        Rows[] r = Rows.common("addScaled", new String[] {"x", "y"}, x, y);
        Rows rx = r[0], ry = r[1];
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) ->
                Vec.affine(rx.seg(), rx.at(row) + from, alpha, 0f, beta, ry.seg(), ry.at(row) + from, to - from));
    }

    static void scale(Tensor x, float factor) {
        Rows r = Rows.common("scale", new String[] {"x"}, floats("scale x", x))[0];
        Runs.forEach(r.rows(), r.len(), (row, from, to) ->
                Vec.affine(r.seg(), r.at(row) + from, factor, 0f, 0f, r.seg(), r.at(row) + from, to - from));
    }

    static void add(Tensor a, Tensor b, Tensor c) {
        floats("add a", a);
        floats("add b", b);
        floats("add c", c);
        Operands.sameShape("add", a, "a", b, "b");
        Operands.sameShape("add", a, "a", c, "c");
        Rows[] r = Rows.common("add", new String[] {"a", "b", "c"}, a, b, c);
        Rows ra = r[0], rb = r[1], rc = r[2];
        Runs.forEach(ra.rows(), ra.len(), (row, from, to) ->
                Vec.add(ra.seg(), ra.at(row) + from, rb.seg(), rb.at(row) + from, rc.seg(), rc.at(row) + from, to - from));
    }

    /** y[n, c, ...] += bias[c] for y of rank >= 2 ([N, C] or NCHW). */
    static void addBias(Tensor y, Tensor bias) {
        floats("addBias y", y);
        if (y.rank() < 2) throw new IllegalArgumentException("addBias y: expected rank >= 2 ([N, C, ...]), got " + y.shape());
        int n = y.dim(0), channels = y.dim(1);
        HostTensors.contiguous("addBias bias", bias, Shape.of(channels));
        Rows ry = Rows.perSample(batched("addBias y", y, y.shape()));
        int inner = ry.len() / Math.max(1, channels);
        MemorySegment b = seg(bias);
        long bo = bias.offset();
        if (inner == 1) { // [N, C]: add the bias vector to every row
            for (int row = 0; row < n; row++) Vec.add(ry.seg(), ry.at(row), b, bo, ry.seg(), ry.at(row), channels);
            return;
        }
        Runs.items(n * channels, inner, p -> {
            long at = ry.at(p / channels) + (long) (p % channels) * inner;
            Vec.affine(ry.seg(), at, 1f, Vec.get(b, bo + p % channels), 0f, ry.seg(), at, inner);
        });
    }

    /** The squeeze-and-excitation gate: y = x * s[n, c]. */
    static void scaleChannels(Tensor x, Tensor s, Tensor y) {
        Shape shape = floats("scaleChannels x", x).shape();
        Planes px = Planes.of("scaleChannels x", x, shape);
        Planes py = Planes.of("scaleChannels y", y, shape);
        Rows rs = gate("scaleChannels s", s, shape);
        Runs.items(px.count(), px.size(), p -> Vec.affine(px.seg(), px.at(p), gateValue(rs, p, px.channels()), 0f, 0f, py.seg(), py.at(p), px.size()));
    }

    static void scaleChannelsBackward(Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds) {
        Shape shape = floats("scaleChannelsBackward x", x).shape();
        Planes px = Planes.of("scaleChannelsBackward x", x, shape);
        Planes pdy = Planes.of("scaleChannelsBackward dy", dy, shape);
        Rows rs = gate("scaleChannelsBackward s", s, shape);
        Planes pdx = dx == null ? null : Planes.of("scaleChannelsBackward dx", dx, shape);
        Rows rds = ds == null ? null : gate("scaleChannelsBackward ds", ds, shape);
        int c = px.channels();
        Runs.items(px.count(), px.size(), p -> {
            if (pdx != null) Vec.affine(pdy.seg(), pdy.at(p), gateValue(rs, p, c), 0f, betaX, pdx.seg(), pdx.at(p), px.size());
            if (rds != null) {
                long at = rds.at(p / c) + p % c;
                float old = betaS == 0f ? 0f : betaS * Vec.get(rds.seg(), at);
                Vec.set(rds.seg(), at, (float) Vec.dotCentered(pdy.seg(), pdy.at(p), px.seg(), px.at(p), px.size(), 0f) + old);
            }
        });
    }

    private static Rows gate(String what, Tensor s, Shape xShape) {
        return Rows.perSample(batched(what, s, Shape.of(xShape.dim(0), xShape.dim(1), 1, 1)));
    }

    private static float gateValue(Rows s, int plane, int channels) {
        return Vec.get(s.seg(), s.at(plane / channels) + plane % channels);
    }

    /** ShuffleNet's shuffle: y[n, j*groups + i] = x[n, i*(C/groups) + j]. */
    static void channelShuffle(Tensor x, int groups, Tensor y) {
        Shape shape = floats("channelShuffle x", x).shape();
        Planes px = Planes.of("channelShuffle x", x, shape);
        Planes py = Planes.of("channelShuffle y", y, shape);
        int c = px.channels();
        if (groups <= 0 || c % groups != 0) throw new IllegalArgumentException("channelShuffle: groups=" + groups + " must be positive and divide the " + c + " channels");
        if (x.buffer() == y.buffer() && x.offset() == y.offset()) throw new IllegalArgumentException("channelShuffle cannot run in place (x and y are the same memory)");
        int perGroup = c / groups;
        long bytes = 4L * px.size();
        Runs.items(px.count(), px.size(), p -> {
            int n = p / c, out = p % c;
            int in = (out % groups) * perGroup + out / groups;
            MemorySegment.copy(px.seg(), 4 * px.at(n * c + in), py.seg(), 4 * py.at(p), bytes);
        });
    }
}
