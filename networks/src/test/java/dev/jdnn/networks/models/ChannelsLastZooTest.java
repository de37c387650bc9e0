package dev.jdnn.networks.models;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.cpu.CpuBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Channels-last through whole models: every zoo model compiled for NHWC activations on the CPU computes exactly what
 * its NCHW compile computes — evaluation logits, the loss, the training logits and every gradient of three training
 * steps (SGD with momentum in between), the parameters and the evaluation logits afterwards — bit for bit, since the
 * CPU backend's NHWC ops equal its NCHW ops bit for bit (CpuLayoutEqualityTest) and everything the graph adds for NHWC
 * (the input cast, the copy into NCHW order before a flatten, channels-last weights) moves values without rounding.
 */
class ChannelsLastZooTest {
    private static final Backend CPU = new CpuBackend();

    /**
     * Left out of CI for time and memory (the rest takes about 20 s): models whose every op and every way of wiring
     * them a model that is in has too — VGG (alexnet_lrn: convolutions, ReLU, max and adaptive pooling, the
     * flatten of a 6x6 map, dropout, linear; batch norm everywhere else), torchvision's alexnet (alexnet_lrn without
     * the LRN), the deeper ResNets (resnet18, resnet50, resnet56), ResNeXt-101 (resnext50_32x4d), the larger
     * EfficientNets (b0, v2_s). {@code -Djdnn.zoo=all} runs every model (measured: all equal, before this list was made).
     */
    static final List<String> LEFT_OUT = List.of("alexnet", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19", "vgg19_bn",
            "resnet34", "resnet101", "resnet152", "resnet110", "resnext101_32x8d", "efficientnet_b1", "efficientnet_b2", "efficientnet_b3",
            "efficientnet_b4", "efficientnet_b5", "efficientnet_b6", "efficientnet_b7", "efficientnet_v2_m", "efficientnet_v2_l");

    static List<String> models() {
        if ("all".equals(System.getProperty("jdnn.zoo"))) return Models.names();
        return Models.names().stream().filter(n -> !LEFT_OUT.contains(n)).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void nhwcEqualsNchwBitForBit(String name) {
        long t0 = System.nanoTime();
        Shape in = ZooInputs.smallest(name, 2);
        ZooRun nchw = ZooRun.of(name, in, CPU, CompileOptions.DEFAULT.withLayout(CompileOptions.Layout.NCHW), 3);
        ZooRun nhwc = ZooRun.of(name, in, CPU, CompileOptions.DEFAULT.withLayout(CompileOptions.Layout.NHWC), 3);
        assertArrayEquals(nchw.evalLogits(), nhwc.evalLogits(), name + ": evaluation logits");
        for (int s = 0; s < nchw.steps().size(); s++) {
            ZooRun.Step a = nchw.steps().get(s), b = nhwc.steps().get(s);
            assertEquals(a.loss(), b.loss(), name + ": loss of step " + s);
            assertArrayEquals(a.logits(), b.logits(), name + ": training logits of step " + s);
            for (Map.Entry<String, float[]> g : a.grads().entrySet()) {
                assertArrayEquals(g.getValue(), b.grads().get(g.getKey()), name + ": gradient of " + g.getKey() + " in step " + s);
            }
        }
        for (Map.Entry<String, float[]> p : nchw.finalParams().entrySet()) {
            assertArrayEquals(p.getValue(), nhwc.finalParams().get(p.getKey()), name + ": " + p.getKey() + " after the steps");
        }
        assertArrayEquals(nchw.finalEvalLogits(), nhwc.finalEvalLogits(), name + ": evaluation logits after the steps");
        System.out.printf("channels-last %s at %s: equal bit for bit (%s) in %.1f s%n", name, in, nhwc.compute(), (System.nanoTime() - t0) / 1e9);
    }
}
