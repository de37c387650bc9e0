package dev.jdnn.networks.models;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.models.InputSpec.Interpolation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * The model zoo's registry: every model by its (torchvision-style) name, with what fine-tuning and prediction need
 * to know about it ({@link ZooModel}: heads, last stage, input and preprocessing, training recipe).
 */
public final class Models {
    private static final Map<String, ZooModel> ZOO = new LinkedHashMap<>();

    private static final List<String> FC = List.of("fc");
    private static final InputSpec IMAGENET = InputSpec.imagenet(224);

    static {
        // LeNet-5: the second convolution and the two hidden fully connected layers before the classifier.
        List<String> lenetLast = List.of("features.3", "classifier.0", "classifier.2");
        add("lenet5", LeNet::lenet5, List.of("classifier.4"), lenetLast, InputSpec.unresized(1, 32, Normalization.MNIST), TrainingRecipe.LENET);
        add("lenet5_28", LeNet::lenet5For28, List.of("classifier.4"), lenetLast, InputSpec.unresized(1, 28, Normalization.MNIST), TrainingRecipe.LENET);
        List<String> alexnetHead = List.of("classifier.6");
        add("alexnet", AlexNet::alexnet, alexnetHead, List.of("features.6", "features.8", "features.10", "classifier.1", "classifier.4"));
        add("alexnet_lrn", AlexNet::alexnetLrn, alexnetHead, List.of("features.8", "features.10", "features.12", "classifier.1", "classifier.4"));
        for (int depth : new int[]{11, 13, 16, 19}) {
            add("vgg" + depth, cfg -> Vgg.vgg(depth, false, cfg), List.of("classifier.6"), Vgg.lastStage(depth, false));
            add("vgg" + depth + "_bn", cfg -> Vgg.vgg(depth, true, cfg), List.of("classifier.6"), Vgg.lastStage(depth, true));
        }
        add("googlenet", GoogLeNet::googlenet, List.of("fc", "aux1.fc2", "aux2.fc2"), List.of("inception5a", "inception5b"));
        add("resnet18", cfg -> new ResNet(ResNet.R18, cfg), FC, List.of("layer4"));
        add("resnet34", cfg -> new ResNet(ResNet.R34, cfg), FC, List.of("layer4"));
        add("resnet50", cfg -> new ResNet(ResNet.R50, cfg), FC, List.of("layer4"));
        add("resnet101", cfg -> new ResNet(ResNet.R101, cfg), FC, List.of("layer4"));
        add("resnet152", cfg -> new ResNet(ResNet.R152, cfg), FC, List.of("layer4"));
        for (int depth : new int[]{20, 32, 44, 56, 110}) {
            add("resnet" + depth, cfg -> CifarResNet.ofDepth(depth, cfg), FC, List.of("layer3"),
                    InputSpec.unresized(3, 32, Normalization.CIFAR10), TrainingRecipe.GENERAL);
        }
        add("resnext50_32x4d", cfg -> new ResNet(ResNet.RX50_32X4D, cfg), FC, List.of("layer4"));
        add("resnext101_32x8d", cfg -> new ResNet(ResNet.RX101_32X8D, cfg), FC, List.of("layer4"));
        add("mobilenet_v1", MobileNetV1::mobilenetV1, FC, features(12, 13));
        add("mobilenet_v2", MobileNetV2::mobilenetV2, List.of("classifier.1"), features(14, 18));
        add("mobilenet_v3_large", MobileNetV3::large, List.of("classifier.3"), withPreClassifier(features(13, 16)));
        add("mobilenet_v3_small", MobileNetV3::small, List.of("classifier.3"), withPreClassifier(features(9, 12)));
        add("shufflenet_v1", ShuffleNetV1::shufflenetV1, FC, List.of("stage4"));
        add("shufflenet_v2_x0_5", cfg -> ShuffleNetV2.of(ShuffleNetV2.X0_5, cfg), FC, List.of("stage4", "conv5"));
        add("shufflenet_v2_x1_0", cfg -> ShuffleNetV2.of(ShuffleNetV2.X1_0, cfg), FC, List.of("stage4", "conv5"));
        add("shufflenet_v2_x1_5", cfg -> ShuffleNetV2.of(ShuffleNetV2.X1_5, cfg), FC, List.of("stage4", "conv5"));
        add("shufflenet_v2_x2_0", cfg -> ShuffleNetV2.of(ShuffleNetV2.X2_0, cfg), FC, List.of("stage4", "conv5"));
        // torchvision's IMAGENET1K_V1 presets: crop, resize, bicubic.
        int[][] efficientNetSizes = {{224, 256}, {240, 256}, {288, 288}, {300, 320}, {380, 384}, {456, 456}, {528, 528}, {600, 600}};
        for (int b = 0; b <= 7; b++) {
            int variant = b, crop = efficientNetSizes[b][0], resize = efficientNetSizes[b][1];
            add("efficientnet_b" + b, cfg -> EfficientNet.b(variant, cfg), List.of("classifier.1"), features(6, 8),
                    new InputSpec(3, crop, crop, resize, Interpolation.BICUBIC, Normalization.IMAGENET), TrainingRecipe.GENERAL);
        }
        add("efficientnet_v2_s", cfg -> EfficientNet.v2(EfficientNet.V2_S, 0.2f, cfg), List.of("classifier.1"), features(6, 7),
                new InputSpec(3, 384, 384, 384, Interpolation.BILINEAR, Normalization.IMAGENET), TrainingRecipe.GENERAL);
        add("efficientnet_v2_m", cfg -> EfficientNet.v2(EfficientNet.V2_M, 0.3f, cfg), List.of("classifier.1"), features(6, 8),
                new InputSpec(3, 480, 480, 480, Interpolation.BILINEAR, Normalization.IMAGENET), TrainingRecipe.GENERAL);
        add("efficientnet_v2_l", cfg -> EfficientNet.v2(EfficientNet.V2_L, 0.4f, cfg), List.of("classifier.1"), features(6, 8),
                new InputSpec(3, 480, 480, 480, Interpolation.BICUBIC, Normalization.MINUS_ONE_TO_ONE), TrainingRecipe.GENERAL);
    }

    private Models() {}

    /** An ImageNet model: 3x224x224 input with torchvision's 256 → 224 bilinear preprocessing, the general recipe. */
    private static void add(String name, Function<ModelConfig, Layer> builder, List<String> heads, List<String> lastStage) {
        add(name, builder, heads, lastStage, IMAGENET, TrainingRecipe.GENERAL);
    }

    private static void add(String name, Function<ModelConfig, Layer> builder, List<String> heads, List<String> lastStage,
                            InputSpec input, TrainingRecipe recipe) {
        ZOO.put(name, new ZooModel(name, builder, heads, lastStage, input, recipe));
    }

    /** features.first .. features.last. */
    private static List<String> features(int first, int last) {
        return IntStream.rangeClosed(first, last).mapToObj(i -> "features." + i).toList();
    }

    /** MobileNet v3's hidden classifier layer (classifier.0) joins the last stage. */
    private static List<String> withPreClassifier(List<String> stage) {
        return java.util.stream.Stream.concat(stage.stream(), java.util.stream.Stream.of("classifier.0")).toList();
    }

    /** All model names, in family order. */
    public static List<String> names() {
        return List.copyOf(ZOO.keySet());
    }

    /** Every zoo entry, in family order. */
    public static List<ZooModel> all() {
        return List.copyOf(ZOO.values());
    }

    /** The zoo entry of a model; unknown names get an exception listing the valid ones. */
    public static ZooModel get(String name) {
        ZooModel m = ZOO.get(name);
        if (m == null) throw new IllegalArgumentException("unknown model '" + name + "'; valid names: " + String.join(", ", names()));
        return m;
    }

    /** Builds a fresh model; unknown names get an exception listing the valid ones. */
    public static Layer create(String name, ModelConfig cfg) {
        return get(name).create(cfg);
    }

    /** Builds a model with ImageNet defaults (1000 classes, 3x224x224). */
    public static Layer create(String name) {
        return create(name, ModelConfig.imagenet());
    }
}
