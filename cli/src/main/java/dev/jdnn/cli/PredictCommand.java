package dev.jdnn.cli;

import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.Models;
import dev.jdnn.ops.Backend;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.WeightsMetadata;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.inference.Prediction;
import dev.jdnn.training.inference.Predictor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jdnn predict}: the top classes of each image, through the library's {@link Predictor}. Model, input size,
 * preprocessing and class names come from the metadata jdnn writes into best.safetensors; for other files (e.g.
 * torchvision's weights converted to safetensors) give --model, and --input / --data where the zoo's defaults
 * (torchvision's ImageNet preprocessing for the ImageNet models, ImageNet class names for 1000 classes) do not fit.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false, description = "Print the top classes for images.")
public final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "Weights (.safetensors; jdnn's or torchvision's key names).")
    Path weights;

    @Option(names = "--model", description = "Zoo model the weights belong to (default: the one the file records).")
    String model;

    @Option(names = "--input", paramLabel = "CxHxW", description = "Input shape when the weights do not record it (default: the zoo model's, e.g. 3x224x224).")
    String input;

    @Option(names = "--data", paramLabel = "NAME", description = "Data set whose normalisation and class names to use when the weights do not record them.")
    String data;

    @Option(names = "--top", defaultValue = "5", description = "How many classes to print (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "1", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    RunOptions run;

    @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "Image files (PNG, JPEG, BMP, GIF).")
    List<Path> images;

    @Override
    public Integer call() {
        return CliSupport.run(spec.commandLine(), run.verbose, () -> {
            run.validate();
            if (model != null) Models.get(model);
            OptionChecks.atLeast("--top", top, 1, "how many classes to print per image");
            OptionChecks.atLeast("--batch-size", batchSize, 1, "images per forward pass");
            if (input != null) WeightsMetadata.parseChw(input); // a bad --input fails before any file is read
            if (!Files.isRegularFile(weights)) throw new CliFailure("weights file not found: " + weights);
            for (Path p : images) if (!Files.isRegularFile(p)) throw new CliFailure("image not found: " + p);
            PrintWriter out = spec.commandLine().getOut();
            int nonFinite = 0;
            try (Backend backend = run.openBackend()) {
                Predictor.Builder b = Predictor.builder(weights).backend(backend).batchSize(batchSize).compileOptions(run.compileOptions());
                if (model != null) b.model(model);
                InputSpec override = inputOverride();
                if (override != null) b.input(override);
                if (data != null && DataSource.byName(data).knownClassNames() != null) b.classNames(DataSource.byName(data).knownClassNames());
                try (Predictor p = b.build()) {
                    List<List<Prediction>> all = p.predictAll(images, top);
                    for (int i = 0; i < images.size(); i++) {
                        out.println(images.get(i) + ":");
                        if (all.get(i).isEmpty()) {
                            out.println("  no prediction: the model's outputs are NaN or infinite");
                            nonFinite++;
                        }
                        for (Prediction c : all.get(i)) out.printf("  %6.2f%%  %s%n", 100 * c.probability(), c.name());
                    }
                }
            }
            out.flush();
            if (nonFinite > 0) throw new CliFailure(nonFinite + " of " + images.size() + " images gave NaN or infinite outputs, so no class could be predicted (are the weights diverged?)");
            return 0;
        });
    }

    /** --input / --data applied to what the file records (or the zoo's default): null when neither is given. */
    private InputSpec inputOverride() {
        if (input == null && data == null) return null;
        InputSpec base;
        try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
            WeightsMetadata meta = WeightsMetadata.read(f);
            String name = model != null ? model : meta.model();
            if (name == null) throw new IllegalArgumentException(weights + " does not record its model: give --model");
            base = meta.input() != null ? meta.input() : Models.get(name).input();
        }
        int[] chw = input != null ? WeightsMetadata.parseChw(input) : new int[]{base.channels(), base.height(), base.width()};
        var norm = data != null ? DataSource.byName(data).normalization() : base.normalization();
        if (norm.channels() != chw[0]) {
            throw new IllegalArgumentException("the normalisation (" + (data != null ? "--data " + data : "recorded or the model's") + ") has "
                    + norm.channels() + " channel(s) but the input has " + chw[0] + (data == null ? "; give --data" : ""));
        }
        return base.withInput(chw[0], chw[1], chw[2], norm);
    }
}
