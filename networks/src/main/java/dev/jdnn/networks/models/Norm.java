package dev.jdnn.networks.models;

import dev.jdnn.networks.layers.BatchNorm2d;

/** BatchNorm hyper-parameters as torchvision sets them per family. */
record Norm(double eps, double momentum) {
    /** PyTorch's defaults: ResNet, VGG, MobileNetV2, ShuffleNetV2, EfficientNet b0-b4. */
    static final Norm DEFAULT = new Norm(BatchNorm2d.DEFAULT_EPS, BatchNorm2d.DEFAULT_MOMENTUM);
    /** GoogLeNet's BasicConv2d and EfficientNetV2: eps 1e-3, default momentum. */
    static final Norm EPS_1E3 = new Norm(1e-3, BatchNorm2d.DEFAULT_MOMENTUM);
    /** MobileNetV3 and EfficientNet b5-b7 (TensorFlow's defaults ported): eps 1e-3, momentum 0.01. */
    static final Norm TF = new Norm(1e-3, 0.01);

    BatchNorm2d of(int channels) {
        return new BatchNorm2d(channels, eps, momentum);
    }
}
