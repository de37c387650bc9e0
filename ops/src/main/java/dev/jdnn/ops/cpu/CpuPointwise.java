package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Device;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.OperandType;
import dev.jdnn.ops.Operands;
import dev.jdnn.ops.cpu.HostTensors.Rows;

import java.lang.foreign.MemorySegment;

import static dev.jdnn.ops.cpu.HostTensors.batched;
import static dev.jdnn.ops.cpu.HostTensors.floats;
import static dev.jdnn.ops.cpu.HostTensors.seg;

/**
 * Elementwise and per-channel ops of {@link dev.jdnn.ops.Backend} on the CPU. Float32 operands that are batch-strided
 * NCHW, or all densely packed in one order (elementwise ops on dense NHWC), run as they are; anything else
 * (half precision, pixel-strided NHWC, channel ops on NHWC) runs on float32 NCHW copies ({@link Staging}).
 */
final class CpuPointwise {
    private CpuPointwise() {}

    /** Elementwise work on operands sharing a format: as they are when the float32 kernels take them, else staged. */
    private interface Elementwise {
        void run(Tensor[] operands);
    }

    /**
     * Runs {@code body} on {@code operands} (named {@code names}; inputs first, then {@code outputs} outputs, which are
     * read back unless {@code keepOutputs} is false), converting through float32 NCHW scratch only when the kernels
     * cannot take them.
     */
    private static void run(String op, String[] names, boolean channelOp, int outputs, boolean keepOutputs, Elementwise body, Tensor... operands) {
        Operands.sameFormat(op, Device.CPU, names, operands);
        boolean direct = true;
        for (Tensor t : operands) direct &= t == null || Staging.isNative(t);
        if (direct || (!channelOp && Rows.sameDense(nonNull(operands)))) {
            body.run(operands);
            return;
        }
        try (Staging s = new Staging()) {
            Tensor[] staged = new Tensor[operands.length];
            int inputs = operands.length - outputs;
            for (int i = 0; i < operands.length; i++) staged[i] = i < inputs ? s.in(operands[i]) : s.out(operands[i], keepOutputs);
            body.run(staged);
            s.commit();
        }
    }

    private static Tensor[] nonNull(Tensor[] ts) {
        return java.util.Arrays.stream(ts).filter(java.util.Objects::nonNull).toArray(Tensor[]::new);
    }

    private static String[] names(String... names) {
        return names;
    }

    static void fill(Tensor t, float value) {
        run("fill", names("t"), false, 1, false, o -> fill32(o[0], value), t);
    }

    static void addScaled(float alpha, Tensor x, float beta, Tensor y) {
        run("addScaled", names("x", "y"), false, 1, beta != 0f, o -> addScaled32(alpha, o[0], beta, o[1]), x, y);
    }

    static void scale(Tensor x, float factor) {
        run("scale", names("x"), false, 1, true, o -> scale32(o[0], factor), x);
    }

    static void add(Tensor a, Tensor b, Tensor c) {
        run("add", names("a", "b", "c"), false, 1, false, o -> add32(o[0], o[1], o[2]), a, b, c);
    }

    static void addBias(Tensor y, Tensor bias) {
        if (y != null && y.rank() < 2) throw new IllegalArgumentException("addBias y: expected rank >= 2 ([N, C, ...]), got " + y.shape());
        if (y != null) HostTensors.contiguous("addBias bias", bias, Shape.of(y.dim(1)));
        run("addBias", names("y"), true, 1, true, o -> addBias32(o[0], bias), y);
    }

    /** The gate s [N, C, 1, 1] is the same memory in either format; only its dtype may need converting. */
    static void scaleChannels(Tensor x, Tensor s, Tensor y) {
        Operands.sameFormat("scaleChannels", Device.CPU, names("s"), s);
        try (Staging gate = new Staging()) {
            Tensor sIn = gate.in(s);
            run("scaleChannels", names("x", "y"), true, 1, false, o -> scaleChannels32(o[0], sIn, o[1]), x, y);
        }
    }

    static void scaleChannelsBackward(Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds) {
        Operands.sameFormat("scaleChannelsBackward", Device.CPU, names("s", "ds"), s, ds);
        try (Staging gates = new Staging()) {
            Tensor sIn = gates.in(s), dsOut = gates.out(ds, betaS != 0f);
            run("scaleChannelsBackward", names("x", "dy", "dx"), true, 1, betaX != 0f,
                    o -> scaleChannelsBackward32(o[0], sIn, o[1], betaX, o[2], betaS, dsOut), x, dy, dx);
            gates.commit();
        }
    }

    static void channelShuffle(Tensor x, int groups, Tensor y) {
        run("channelShuffle", names("x", "y"), true, 1, false, o -> channelShuffle32(o[0], groups, o[1]), x, y);
    }

    private static void fill32(Tensor t, float value) {
        Rows r = Rows.common("fill", new String[] {"t"}, floats("fill t", t))[0];
        Runs.forEach(r.rows(), r.len(), (row, from, to) -> Vec.fill(r.seg(), r.at(row) + from, to - from, value));
    }

    private static void addScaled32(float alpha, Tensor x, float beta, Tensor y) {
        floats("addScaled x", x);
        floats("addScaled y", y);
        Operands.sameShape("addScaled", x, "x", y, "y");
        Rows[] r = Rows.common("addScaled", new String[] {"x", "y"}, x, y);
        Rows rx = r[0], ry = r[1];
        Runs.forEach(rx.rows(), rx.len(), (row, from, to) ->
                Vec.affine(rx.seg(), rx.at(row) + from, alpha, 0f, beta, ry.seg(), ry.at(row) + from, to - from));
    }

    private static void scale32(Tensor x, float factor) {
        Rows r = Rows.common("scale", new String[] {"x"}, floats("scale x", x))[0];
        Runs.forEach(r.rows(), r.len(), (row, from, to) ->
                Vec.affine(r.seg(), r.at(row) + from, factor, 0f, 0f, r.seg(), r.at(row) + from, to - from));
    }

    private static void add32(Tensor a, Tensor b, Tensor c) {
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
    private static void addBias32(Tensor y, Tensor bias) {
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

    /** y = act(x * scale[c] + bias[c]), act IDENTITY or RELU; y may be x. Any format and float dtypes (staged). */
    static void scaleBiasActivation(Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y) {
        Operands.scaleBiasActivation(Device.CPU, x, scale, bias, activation, y);
        run("scaleBiasActivation", names("x", "y"), true, 1, false, o -> scaleBiasActivation32(o[0], scale, bias, activation, o[1]), x, y);
    }

    private static void scaleBiasActivation32(Tensor x, Tensor scale, Tensor bias, Activation activation, Tensor y) {
        int c = x.dim(1);
        Channels.affine(Planes.of("scaleBiasActivation x", x, x.shape()), Channels.vector("scaleBiasActivation scale", scale, c),
                Channels.vector("scaleBiasActivation bias", bias, c), Planes.of("scaleBiasActivation y", y, x.shape()));
        if (activation == Activation.RELU) new CpuActivations(Activation.RELU, 0f, x.shape(), OperandType.DEFAULT).forward(1f, y, 0f, y);
    }

    /** The squeeze-and-excitation gate: y = x * s[n, c]. */
    private static void scaleChannels32(Tensor x, Tensor s, Tensor y) {
        Shape shape = floats("scaleChannels x", x).shape();
        Planes px = Planes.of("scaleChannels x", x, shape);
        Planes py = Planes.of("scaleChannels y", y, shape);
        Rows rs = gate("scaleChannels s", s, shape);
        Runs.items(px.count(), px.size(), p -> Vec.affine(px.seg(), px.at(p), gateValue(rs, p, px.channels()), 0f, 0f, py.seg(), py.at(p), px.size()));
    }

    private static void scaleChannelsBackward32(Tensor x, Tensor s, Tensor dy, float betaX, Tensor dx, float betaS, Tensor ds) {
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
    private static void channelShuffle32(Tensor x, int groups, Tensor y) {
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
