package dev.jdnn.ops.cuda;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.MemoryFormat;
import dev.jdnn.memory.Shape;
import dev.jdnn.ops.Activation;
import dev.jdnn.ops.BatchNormSpec;
import dev.jdnn.ops.BnBackwardSpec;
import dev.jdnn.ops.BnFinalizeSpec;
import dev.jdnn.ops.Conv2dSpec;
import dev.jdnn.ops.ConvBiasActivationSpec;
import dev.jdnn.ops.ConvStatsSpec;
import dev.jdnn.ops.DgradDreluSpec;
import dev.jdnn.ops.FusedPlan;
import dev.jdnn.ops.FusedSpec;
import dev.jdnn.ops.Fusion;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which fused patterns cuDNN fuses on this GPU for ResNet-50's convolution shapes (batch 32), in float32 NCHW with
 * TF32 and in bf16 NHWC, and why the others are not: printed as a table ("[fusion-survey] ..." lines in the test
 * output) for the fusion status. Heuristics' first buildable engine, untimed, to stay within a GPU session.
 */
@Tag("gpu")
class CudaFusionSurveyTest {
    private static final List<Conv2dSpec> RESNET50 = List.of(
            new Conv2dSpec(32, 64, 56, 56, 64, 1, 1, 1, 1, 0, 0, 1, 1, 1, false),     // layer1 1x1 reduce
            new Conv2dSpec(32, 64, 56, 56, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, false),     // layer1 3x3
            new Conv2dSpec(32, 128, 56, 56, 128, 3, 3, 2, 2, 1, 1, 1, 1, 1, false),   // layer2 3x3 stride 2
            new Conv2dSpec(32, 256, 14, 14, 1024, 1, 1, 1, 1, 0, 0, 1, 1, 1, false)); // layer3 1x1 expand

    private static Conv2dSpec withBias(Conv2dSpec s) {
        return new Conv2dSpec(s.batch(), s.inChannels(), s.height(), s.width(), s.outChannels(), s.kernelH(), s.kernelW(),
                s.strideH(), s.strideW(), s.padH(), s.padW(), s.dilationH(), s.dilationW(), s.groups(), true);
    }

    @Test
    void fusionStatusOfResNet50Shapes() {
        GpuTests.assumeGpu();
        CudaBackend.Options d = CudaBackend.Options.defaults();
        List<String> rows = new ArrayList<>();
        int fused = 0;
        try (CudaBackend cuda = CudaBackend.create(0, new CudaBackend.Options(false, false, d.convWorkspaceLimitBytes(), d.kernelCacheDir(), null))) {
            for (DType dtype : List.of(DType.FLOAT32, DType.BFLOAT16)) {
                MemoryFormat layout = dtype == DType.FLOAT32 ? MemoryFormat.NCHW : MemoryFormat.NHWC;
                for (Conv2dSpec conv : RESNET50) {
                    BatchNormSpec bn = new BatchNormSpec(conv.outputShape(), 1e-5, 0.1);
                    List<FusedSpec<?>> specs = List.of(
                            new ConvBiasActivationSpec(withBias(conv), Activation.RELU, dtype, layout),
                            new ConvStatsSpec(conv, false, dtype, layout), new ConvStatsSpec(conv, true, dtype, layout),
                            new DgradDreluSpec(conv, false, dtype, layout), new DgradDreluSpec(conv, true, dtype, layout),
                            new BnBackwardSpec(bn, dtype, layout));
                    for (FusedSpec<?> spec : specs) fused += survey(cuda, spec, rows);
                }
            }
            fused += survey(cuda, BnFinalizeSpec.of(new BatchNormSpec(Shape.of(32, 256, 56, 56), 1e-5, 0.1)), rows);
        }
        rows.forEach(r -> System.out.println("[fusion-survey] " + r));
        for (String r : rows) assertFalse(r.endsWith(": "), "an unfused pattern must say why: " + r);
        assertTrue(fused > 0, "cuDNN fused none of " + rows.size() + " patterns on this GPU:\n" + String.join("\n", rows));
    }

    private static <P extends FusedPlan> int survey(CudaBackend cuda, FusedSpec<P> spec, List<String> rows) {
        Fusion<P> f = cuda.fuse(spec);
        rows.add(spec.describe() + " | " + f.describe());
        if (!f.isFused()) return 0;
        f.plan().close();
        return 1;
    }
}
