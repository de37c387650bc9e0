package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** The model zoo's registry: every model by its (torchvision-style) name. */
public final class Models {
    private static final Map<String, Function<ModelConfig, Layer>> BUILDERS = new LinkedHashMap<>();

    static {
        add("lenet5", LeNet::lenet5);
        add("lenet5_28", LeNet::lenet5For28);
        add("alexnet", AlexNet::alexnet);
        add("alexnet_lrn", AlexNet::alexnetLrn);
        for (int depth : new int[]{11, 13, 16, 19}) {
            add("vgg" + depth, cfg -> Vgg.vgg(depth, false, cfg));
            add("vgg" + depth + "_bn", cfg -> Vgg.vgg(depth, true, cfg));
        }
        add("googlenet", GoogLeNet::googlenet);
        add("resnet18", cfg -> new ResNet(ResNet.R18, cfg));
        add("resnet34", cfg -> new ResNet(ResNet.R34, cfg));
        add("resnet50", cfg -> new ResNet(ResNet.R50, cfg));
        add("resnet101", cfg -> new ResNet(ResNet.R101, cfg));
        add("resnet152", cfg -> new ResNet(ResNet.R152, cfg));
        for (int depth : new int[]{20, 32, 44, 56, 110}) add("resnet" + depth, cfg -> CifarResNet.ofDepth(depth, cfg));
        add("resnext50_32x4d", cfg -> new ResNet(ResNet.RX50_32X4D, cfg));
        add("resnext101_32x8d", cfg -> new ResNet(ResNet.RX101_32X8D, cfg));
        add("mobilenet_v1", MobileNetV1::mobilenetV1);
        add("mobilenet_v2", MobileNetV2::mobilenetV2);
        add("mobilenet_v3_large", MobileNetV3::large);
        add("mobilenet_v3_small", MobileNetV3::small);
        add("shufflenet_v1", ShuffleNetV1::shufflenetV1);
        add("shufflenet_v2_x0_5", cfg -> ShuffleNetV2.of(ShuffleNetV2.X0_5, cfg));
        add("shufflenet_v2_x1_0", cfg -> ShuffleNetV2.of(ShuffleNetV2.X1_0, cfg));
        add("shufflenet_v2_x1_5", cfg -> ShuffleNetV2.of(ShuffleNetV2.X1_5, cfg));
        add("shufflenet_v2_x2_0", cfg -> ShuffleNetV2.of(ShuffleNetV2.X2_0, cfg));
        for (int b = 0; b <= 7; b++) {
            int variant = b;
            add("efficientnet_b" + b, cfg -> EfficientNet.b(variant, cfg));
        }
        add("efficientnet_v2_s", cfg -> EfficientNet.v2(EfficientNet.V2_S, 0.2f, cfg));
        add("efficientnet_v2_m", cfg -> EfficientNet.v2(EfficientNet.V2_M, 0.3f, cfg));
        add("efficientnet_v2_l", cfg -> EfficientNet.v2(EfficientNet.V2_L, 0.4f, cfg));
    }

    private Models() {}

    private static void add(String name, Function<ModelConfig, Layer> builder) {
        BUILDERS.put(name, builder);
    }

    /** All model names, in family order. */
    public static List<String> names() {
        return List.copyOf(BUILDERS.keySet());
    }

    /** Builds a fresh model; unknown names get an exception listing the valid ones. */
    public static Layer create(String name, ModelConfig cfg) {
        Function<ModelConfig, Layer> builder = BUILDERS.get(name);
        if (builder == null) throw new IllegalArgumentException("unknown model '" + name + "'; valid names: " + String.join(", ", names()));
        return builder.apply(cfg);
    }

    /** Builds a model with ImageNet defaults (1000 classes, 3x224x224). */
    public static Layer create(String name) {
        return create(name, ModelConfig.imagenet());
    }
}
