package dev.jdnn.ops;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/** The fused patterns' specs: what they accept, what they reject (naming it), and descriptions that tell specs apart. */
class FusedSpecTest {
    private static final Conv2dSpec CONV = new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, false);
    private static final Conv2dSpec CONV_BIAS = new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 1, 1, 1, 1, 1, 1, 1, true);
    private static final BatchNormSpec BN = new BatchNormSpec(Shape.of(8, 32, 12, 12), 1e-5, 0.1);

    private static String message(Runnable r) {
        return assertThrows(IllegalArgumentException.class, r::run).getMessage();
    }

    @Test
    void convBiasActivationFusesIdentityOrReluOnly() {
        assertEquals(Activation.RELU, ConvBiasActivationSpec.of(CONV_BIAS, Activation.RELU).activation());
        assertTrue(message(() -> ConvBiasActivationSpec.of(CONV, Activation.SILU)).contains("IDENTITY or RELU, got SILU"));
    }

    @Test
    void activationsMustBeAFloatingPointType() {
        assertTrue(message(() -> new ConvStatsSpec(CONV, false, DType.INT32, MemoryFormat.NHWC)).contains("float32, float16 or bfloat16, got INT32"));
        assertThrows(NullPointerException.class, () -> new DgradDreluSpec(CONV, false, DType.FLOAT32, null));
        for (DType ok : List.of(DType.FLOAT32, DType.FLOAT16, DType.BFLOAT16)) assertEquals(ok, BnBackwardSpec.of(BN).with(ok, MemoryFormat.NHWC).dtype());
    }

    @Test
    void aConvolutionFeedingBatchNormHasNoBias() {
        assertTrue(message(() -> ConvStatsSpec.of(CONV_BIAS, true)).contains("no bias"));
    }

    @Test
    void bnFinalizeChecksItsScalars() {
        assertTrue(message(() -> new BnFinalizeSpec(4, 1, 1e-5, 0.1)).contains("more than 1 value per channel"));
        assertTrue(message(() -> new BnFinalizeSpec(4, 10, 0, 0.1)).contains("eps"));
        assertTrue(message(() -> new BnFinalizeSpec(4, 10, 1e-5, 1.5)).contains("momentum"));
        assertTrue(message(() -> new BnFinalizeSpec(0, 10, 1e-5, 0.1)).contains("channels"));
        BnFinalizeSpec fromBn = BnFinalizeSpec.of(BN);
        assertEquals(new BnFinalizeSpec(32, 8 * 12 * 12, 1e-5, 0.1), fromBn);
    }

    @Test
    void everyParameterChangesTheDescription() {
        Conv2dSpec other = new Conv2dSpec(8, 16, 12, 12, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, false);
        List<FusedSpec<?>> specs = List.of(
                ConvBiasActivationSpec.of(CONV, Activation.RELU), ConvBiasActivationSpec.of(CONV, Activation.IDENTITY),
                ConvBiasActivationSpec.of(CONV_BIAS, Activation.RELU), ConvBiasActivationSpec.of(other, Activation.RELU),
                ConvBiasActivationSpec.of(CONV, Activation.RELU).with(DType.BFLOAT16, MemoryFormat.NCHW),
                ConvBiasActivationSpec.of(CONV, Activation.RELU).with(DType.FLOAT32, MemoryFormat.NHWC),
                ConvStatsSpec.of(CONV, false), ConvStatsSpec.of(CONV, true), ConvStatsSpec.of(CONV, true).with(DType.FLOAT16, MemoryFormat.NHWC),
                DgradDreluSpec.of(CONV, false), DgradDreluSpec.of(CONV, true), DgradDreluSpec.of(other, true),
                BnFinalizeSpec.of(BN), new BnFinalizeSpec(32, 1152, 1e-3, 0.1), new BnFinalizeSpec(32, 1152, 1e-5, 0.2), new BnFinalizeSpec(32, 1153, 1e-5, 0.1),
                BnBackwardSpec.of(BN), BnBackwardSpec.of(BN).with(DType.BFLOAT16, MemoryFormat.NHWC),
                BnBackwardSpec.of(new BatchNormSpec(Shape.of(8, 32, 12, 13), 1e-5, 0.1)));
        Set<String> texts = new HashSet<>();
        for (FusedSpec<?> s : specs) {
            assertTrue(texts.add(s.describe()), "two specs describe alike: " + s.describe());
            assertTrue(s.describe().startsWith(s.pattern() + " "), s.describe());
            assertEquals(1, s.describe().lines().count());
        }
    }

    @Test
    void fusionResultsCheckThePlanType() {
        ConvStatsSpec spec = ConvStatsSpec.of(CONV, false);
        FusedPlan notAConvStatsPlan = new FusedPlan() {
            @Override public FusedSpec<?> spec() { return spec; }
            @Override public long workspaceBytes() { return 0; }
            @Override public String implementation() { return "test"; }
        };
        assertThrows(ClassCastException.class, () -> Fusion.fused(spec, notAConvStatsPlan));
        Fusion<ConvStatsPlan> unfused = Fusion.unfused(spec, Fusion.Reason.NO_ENGINE, "heuristics offered nothing");
        assertEquals("not fused (no engine): heuristics offered nothing", unfused.describe());
    }
}
