package dev.jdnn.ops.cpu;

import dev.jdnn.memory.Device;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LossScaling;
import dev.jdnn.ops.Operands;

import java.lang.foreign.MemorySegment;

/** Dynamic loss scaling on the CPU ({@link LossScaling}): the scale is read from the state tensor when each op runs. */
final class CpuLossScaling {
    private CpuLossScaling() {}

    private static float scale(String op, Tensor state) {
        Operands.lossScaleState(op, state, Device.CPU);
        return Vec.get(HostTensors.seg(state), state.offset() + LossScaling.SCALE);
    }

    /** dst = src * scale, rounded to dst's dtype. */
    static void lossScale(Tensor src, Tensor state, Tensor dst) {
        CpuPointwise.addScaled(scale("lossScale", state), src, 0f, dst);
    }

    /** grads *= 1/scale (the reciprocal in double, rounded to float, as torch's GradScaler); flag = all finite. */
    static void unscaleAndCheck(Tensor grads, Tensor state, Tensor flagDst, boolean and) {
        float inverse = (float) (1.0 / scale("unscaleAndCheck", state));
        Operands.requireContiguous("unscaleAndCheck grads", Operands.floats("unscaleAndCheck grads", grads, Device.CPU));
        Operands.flag("unscaleAndCheck", flagDst, Device.CPU);
        CpuPointwise.scale(grads, inverse);
        CpuOptimizers.finiteFlag(grads, flagDst, and);
    }

    static void updateLossScale(Tensor state, Tensor flag, LossScaling config) {
        Operands.lossScaleState("updateLossScale", state, Device.CPU);
        Operands.flag("updateLossScale", flag, Device.CPU);
        MemorySegment s = HostTensors.seg(state);
        long at = state.offset();
        float[] now = {Vec.get(s, at + LossScaling.SCALE), Vec.get(s, at + LossScaling.GOOD_STEPS)};
        float[] next = config.next(now, Vec.get(HostTensors.seg(flag), flag.offset()) != 0f);
        Vec.set(s, at + LossScaling.SCALE, next[LossScaling.SCALE]);
        Vec.set(s, at + LossScaling.GOOD_STEPS, next[LossScaling.GOOD_STEPS]);
    }
}
