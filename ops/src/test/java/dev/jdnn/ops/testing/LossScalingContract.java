package dev.jdnn.ops.testing;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.LossScaling;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dynamic loss scaling on the device ({@link LossScaling}): the scaled loss gradient in every activation dtype, the
 * unscale fused with the finite check, and the scaler's update against torch.cuda.amp.GradScaler's rules written out
 * here independently. The scale is read from the state tensor when each op runs (no host value is captured).
 * Backend-independent (see {@link BackendContract}).
 */
@ParameterizedClass(name = "{0}")
@MethodSource("dev.jdnn.ops.testing.TypedContract#dtypes")
public abstract class LossScalingContract extends TypedContract {
    private static final Shape LOGITS = Shape.of(6, 10);

    @Test
    public void theLossGradientIsScaledInFloat32AndRoundedOnce() {
        // Gradients of a mean loss are small: 1e-5 .. 1e-3, much of it below float16's normal range before scaling.
        float[] grad = Rand.uniform(91, 60, -1e-3, 1e-3);
        grad[7] = 3e-7f; // a float16 subnormal that scaling lifts into the normal range
        try (var f = fixtures()) {
            Tensor state = f.tensor(Shape.of(LossScaling.LENGTH), 1024f, 0f), dst = f.actOutput(LOGITS, true);
            f.backend().lossScale(f.tensor(LOGITS, grad), state, dst);
            float[] expected = new float[grad.length];
            for (int i = 0; i < grad.length; i++) expected[i] = grad[i] * 1024f;
            assertArrayEquals(f.stored(expected), f.get(dst), "the float32 product, rounded once to " + type.describe());
            assertTrue(f.paddingIntact(dst), "wrote outside the view");
            Tensor inPlace = f.tensor(LOGITS, grad);
            f.backend().upload(new float[] {0.5f, 0f}, state); // read when the op runs
            f.backend().lossScale(inPlace, state, inPlace);
            for (int i = 0; i < grad.length; i++) expected[i] = grad[i] * 0.5f;
            assertArrayEquals(expected, f.get(inPlace), "in place, float32, with the scale the state holds now");
        }
    }

    @Test
    public void unscalingMultipliesByTheReciprocalAndWritesTheFiniteFlag() {
        float[] grads = Rand.uniform(92, 5000, -100, 100);
        try (var f = fixtures()) {
            Tensor g = f.tensor(Shape.of(grads.length), grads), state = f.tensor(Shape.of(LossScaling.LENGTH), 3f, 7f);
            Tensor flag = f.tensor(Shape.of(1), 0.5f);
            f.backend().unscaleAndCheck(g, state, flag, false);
            float inverse = (float) (1.0 / 3.0); // torch: scale.double().reciprocal().float()
            float[] expected = new float[grads.length];
            for (int i = 0; i < grads.length; i++) expected[i] = grads[i] * inverse;
            assertArrayEquals(expected, f.get(g));
            assertEquals(1f, f.get(flag)[0], "all finite");
            assertArrayEquals(new float[] {3f, 7f}, f.get(state), "unscaling leaves the state alone");

            grads[4321] = Float.POSITIVE_INFINITY;
            Tensor overflowed = f.tensor(Shape.of(grads.length), grads);
            f.backend().unscaleAndCheck(overflowed, state, flag, false);
            assertEquals(0f, f.get(flag)[0], "an infinity clears the flag");
            grads[4321] = Float.NaN;
            f.backend().upload(grads, overflowed);
            f.backend().upload(new float[] {1f}, flag);
            f.backend().unscaleAndCheck(overflowed, state, flag, false);
            assertEquals(0f, f.get(flag)[0], "so does a NaN");

            Tensor finite = f.tensor(Shape.of(3), 1f, 2f, 3f);
            f.backend().upload(new float[] {0f}, flag);
            f.backend().unscaleAndCheck(finite, state, flag, true);
            assertEquals(0f, f.get(flag)[0], "with and, a cleared flag stays cleared");
            f.backend().upload(new float[] {1f}, flag);
            f.backend().unscaleAndCheck(finite, state, flag, true);
            assertEquals(1f, f.get(flag)[0]);
        }
    }

    @Test
    public void theScalerGrowsAfterIntervalGoodStepsAndBacksOffOnOverflow() {
        LossScaling config = new LossScaling(1024f, 2f, 0.5f, 3);
        boolean[] finite = {true, true, true, true, false, true, true, true, true, true, true, false, false};
        // GradScaler: on overflow scale *= backoff and the tracker restarts; else the tracker counts, and on reaching
        // the interval scale *= growth and the tracker restarts.
        List<float[]> expected = new ArrayList<>();
        float scale = 1024f;
        int tracker = 0;
        for (boolean ok : finite) {
            if (!ok) {
                scale *= 0.5f;
                tracker = 0;
            } else if (++tracker == 3) {
                scale *= 2f;
                tracker = 0;
            }
            expected.add(new float[] {scale, tracker});
        }
        try (var f = fixtures()) {
            Tensor state = f.tensor(Shape.of(LossScaling.LENGTH), config.initialState()), flag = f.tensor(Shape.of(1), 1f);
            for (int step = 0; step < finite.length; step++) {
                f.backend().upload(new float[] {finite[step] ? 1f : 0f}, flag);
                f.backend().updateLossScale(state, flag, config);
                assertArrayEquals(expected.get(step), f.get(state), "after step " + step);
                assertArrayEquals(expected.get(step), config.next(step == 0 ? config.initialState() : expected.get(step - 1), finite[step]),
                        "LossScaling.next, the host's statement of the rule");
            }
            // growth that would overflow float32 keeps the scale
            f.backend().upload(new float[] {Float.MAX_VALUE, 2f}, state);
            f.backend().upload(new float[] {1f}, flag);
            f.backend().updateLossScale(state, flag, config);
            assertArrayEquals(new float[] {Float.MAX_VALUE, 0f}, f.get(state));
        }
    }

    @Test
    public void aMalformedStateIsRefusedByName() {
        try (var f = fixtures()) {
            Tensor g = f.tensor(Shape.of(4), 1f, 2f, 3f, 4f), flag = f.tensor(Shape.of(1), 1f);
            var e = assertThrows(IllegalArgumentException.class, () -> f.backend().unscaleAndCheck(g, f.tensor(Shape.of(3), 1f, 0f, 0f), flag, false));
            assertTrue(e.getMessage().contains("[scale, goodSteps]"), e.getMessage());
        }
    }
}
