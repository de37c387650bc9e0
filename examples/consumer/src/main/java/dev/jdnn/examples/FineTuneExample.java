package dev.jdnn.examples;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.networks.models.Trainable;
import dev.jdnn.networks.models.ZooModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import dev.jdnn.training.Trainer;
import dev.jdnn.training.checkpoint.StateDicts;
import dev.jdnn.training.checkpoint.WeightsMetadata;
import dev.jdnn.training.checkpoint.ZooWeights;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.data.Transform;
import dev.jdnn.training.inference.Prediction;
import dev.jdnn.training.inference.Predictor;
import dev.jdnn.training.listeners.EpochSummaryPrinter;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Optimizers;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * The README's fine-tuning example: a resnet18 backbone (e.g. ImageNet weights) gets a new 10-class head and is
 * trained on Fashion-MNIST (grey 28×28 images, given to the colour backbone as RGB) for two epochs, then saved,
 * reloaded, and asked again.
 */
public final class FineTuneExample {
    private FineTuneExample() {}

    /** What the example made: the saved weights, and an image's top 5 before saving and after reloading. */
    public record Outcome(Path weights, List<Prediction> beforeSaving, List<Prediction> afterReloading) {}

    public static void main(String[] args) {
        Outcome o = fineTune(Path.of(args[0]), Path.of(args[1]), Path.of(args[2]), Path.of(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        System.out.println(o.weights() + ": " + o.afterReloading());
    }

    /**
     * @param backbone    resnet18 weights (jdnn's or torchvision's key names; any class count)
     * @param fashionMnist the directory of Fashion-MNIST's four *-ubyte(.gz) files
     * @param image       an image to ask about
     * @param outDir      where the fine-tuned weights go
     * @param trainImages how many training images (60,000 for all)
     * @param testImages  how many test images to evaluate on after each epoch (10,000 for all)
     */
    public static Outcome fineTune(Path backbone, Path fashionMnist, Path image, Path outDir, int trainImages, int testImages) {
        // README: begin fine-tune
        ZooModel resnet18 = Models.get("resnet18");
        Dataset train = DataSource.FASHION_MNIST.open(fashionMnist, true, 28).limit(trainImages).withChannels(3);
        Dataset test = DataSource.FASHION_MNIST.open(fashionMnist, false, 28).limit(testImages).withChannels(3);
        InputSpec input = InputSpec.unresized(3, 28, Normalization.IMAGENET);   // the backbone's statistics
        Transform normalize = Augmentations.normalize(input.normalization());

        Layer net = resnet18.create(train.numClasses(), 3, 28, 28);             // a new head for 10 classes
        resnet18.freeze(net, Trainable.LAST_STAGE);                            // train layer4 and fc only
        Path weights = outDir.resolve("resnet18-fashion.safetensors");
        List<Prediction> before;
        try (Backend backend = Backends.open("auto");
             CompiledModel model = CompiledModel.compile(net, Shape.of(32, 3, 28, 28), backend, 0)) {
            ZooWeights.loadBackbone(backbone, model, resnet18, false);          // all but the head
            try (Optimizer sgd = Optimizers.sgd(model, 0.01, 0.9, 1e-4, true);
                 Trainer trainer = Trainer.builder(model, sgd).trainData(train, normalize).testData(test, normalize)
                         .epochs(2).listener(new EpochSummaryPrinter(new PrintWriter(System.out), 2)).build()) {
                trainer.fit();
            }
            before = Predictor.of(model, input, train.classNames()).predict(image, 5);
            StateDicts.saveWeights(weights, model.stateDict(), backend,
                    new WeightsMetadata("resnet18", input, train.classNames(), "fashion-mnist").toMap());
        }
        try (Predictor reloaded = Predictor.open(weights)) {                    // model, input, names from the file
            return new Outcome(weights, before, reloaded.predict(image, 5));
        }
        // README: end
    }
}
