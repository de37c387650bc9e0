package dev.jdnn.examples;

import dev.jdnn.training.inference.Prediction;
import dev.jdnn.training.inference.Predictor;

import java.nio.file.Path;
import java.util.List;

/**
 * The README's prediction example: the top-5 classes of an image, with names, from a weights file.
 *
 * <pre>java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp ... dev.jdnn.examples.PredictExample WEIGHTS IMAGE</pre>
 */
public final class PredictExample {
    private PredictExample() {}

    public static void main(String[] args) {
        predict(Path.of(args[0]), Path.of(args[1]));
    }

    /** Prints and returns the top 5. */
    public static List<Prediction> predict(Path weights, Path image) {
        // README: begin predict
        try (Predictor predictor = Predictor.open(weights)) {   // model, input size and class names from the file
            List<Prediction> top5 = predictor.predict(image, 5);
            for (Prediction p : top5) System.out.printf("%6.2f%%  %s%n", 100 * p.probability(), p.name());
            return top5;
        }
        // README: end
    }

    /** The same for weights from PyTorch (torchvision's state_dict saved as safetensors), which do not name their model. */
    public static List<Prediction> predictTorchvision(Path weights, Path image) {
        // README: begin predict-torchvision
        try (Predictor predictor = Predictor.builder(weights).model("resnet18").device("cpu").build()) {
            return predictor.predict(image, 5);   // torchvision's preprocessing (256 -> 224, ImageNet statistics), ImageNet class names
        }
        // README: end
    }
}
