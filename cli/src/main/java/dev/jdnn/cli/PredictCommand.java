package dev.jdnn.cli;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Module;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.training.Ranking;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.ImageFolderDataset;
import dev.jdnn.training.data.Normalization;
import dev.jdnn.training.data.Transform;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code jdnn predict}: the top classes of each image. Input size, class names and normalisation come from the
 * metadata jdnn writes into best.safetensors; for other files give --input and (optionally) --data.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, description = "Print the top classes for images.")
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "Weights (.safetensors).")
    Path weights;

    @Option(names = "--model", required = true, description = "Zoo model the weights belong to.")
    String model;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Input shape when the weights do not record it (default: 3x224x224).")
    String input;

    @Option(names = "--data", paramLabel = "NAME", description = "Data set whose normalisation to use when the weights do not record it (default: ImageNet statistics).")
    String data;

    @Option(names = "--top", defaultValue = "5", description = "How many classes to print (default: ${DEFAULT-VALUE}).")
    int top;

    @Mixin
    RunOptions run;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (PNG, JPEG, BMP, GIF).")
    List<Path> images;

    @Override
    public Integer call() {
        return CliSupport.run(spec.commandLine(), run.verbose, () -> {
            run.validate();
            ZooModels.requireKnown(model);
            OptionChecks.atLeast("--top", top, 1, "how many classes to print per image");
            if (input != null) WeightsInfo.parseChw(input); // a bad --input fails before any file is read
            if (!Files.isRegularFile(weights)) throw new CliFailure("weights file not found: " + weights);
            for (Path p : images) if (!Files.isRegularFile(p)) throw new CliFailure("image not found: " + p);
            int[] chw;
            List<String> names;
            Normalization norm;
            int classes;
            try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
                int[] recorded = WeightsInfo.input(f);
                chw = input != null ? WeightsInfo.parseChw(input) : recorded != null ? recorded : new int[]{3, 224, 224};
                names = WeightsInfo.classes(f);
                String dataName = data != null ? data : f.metadata().get(WeightsInfo.DATA);
                norm = dataName != null ? DataSource.byName(dataName).normalization() : Normalization.IMAGENET;
                classes = ZooModels.classesIn(f, ZooModels.create(model, 1000, chw[0], chw[1], chw[2]));
            }
            if (classes < 1) throw new CliFailure(weights + " has no head weight for model " + model + " (is it the right model?)");
            if (norm.channels() != chw[0]) throw new IllegalArgumentException("normalisation has " + norm.channels() + " channels but the input has " + chw[0]);
            Module m = ZooModels.create(model, classes, chw[0], chw[1], chw[2]);
            PrintWriter out = spec.commandLine().getOut();
            int nonFinite = 0;
            try (Backend backend = run.openBackend();
                 CompiledModel cm = CompiledModel.compile(m, Shape.of(1, chw[0], chw[1], chw[2]), backend, 0)) {
                ZooModels.loadStrict(weights, cm);
                cm.setTraining(false);
                Transform normalize = Augmentations.normalize(norm);
                for (Path image : images) {
                    Transform.ImageBuffer buf = new Transform.ImageBuffer(chw[0], chw[1], chw[2]);
                    preprocess(ImageFolderDataset.decode(image), chw, buf.data());
                    normalize.apply(buf, new SplittableRandom(0));
                    backend.upload(buf.data(), cm.input());
                    float[] logits = backend.download(cm.forward());
                    out.println(image + ":");
                    if (!Ranking.allFinite(logits, 0, logits.length)) {
                        out.println("  no prediction: the model's outputs are NaN or infinite");
                        nonFinite++;
                        continue;
                    }
                    for (int idx : Ranking.topK(logits, top)) {
                        String name = names != null && idx < names.size() ? names.get(idx) : "class " + idx;
                        out.printf("  %6.2f%%  %s%n", 100 * Ranking.softmax(logits, idx), name);
                    }
                }
                out.flush();
            }
            if (nonFinite > 0) throw new CliFailure(nonFinite + " of " + images.size() + " images gave NaN or infinite outputs, so no class could be predicted (are the weights diverged?)");
            return 0;
        });
    }

    /** Resize + centre crop to H×W (small inputs: the whole image), grey from RGB by ITU-R 601 luma as torchvision's Grayscale. */
    static void preprocess(BufferedImage image, int[] chw, float[] dst) {
        int size = Math.min(chw[1], chw[2]);
        int resize = size >= 64 ? size * 8 / 7 : size;
        float[] rgb = new float[3 * chw[1] * chw[2]];
        ImageFolderDataset.resizeAndCrop(image, resize, size, rgb);
        int plane = chw[1] * chw[2];
        if (chw[0] == 3) System.arraycopy(rgb, 0, dst, 0, 3 * plane);
        else if (chw[0] == 1) for (int i = 0; i < plane; i++) dst[i] = 0.299f * rgb[i] + 0.587f * rgb[plane + i] + 0.114f * rgb[2 * plane + i];
        else throw new IllegalArgumentException("predict supports 1- or 3-channel models, this one takes " + chw[0] + " channels");
        if (chw[1] != chw[2]) throw new IllegalArgumentException("predict supports square inputs, got " + chw[1] + "x" + chw[2]);
    }
}
