package dev.jdnn.cli;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.ZooModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import dev.jdnn.training.EvalResult;
import dev.jdnn.training.Evaluator;
import dev.jdnn.training.checkpoint.ZooWeights;
import dev.jdnn.training.data.DataLoader;
import dev.jdnn.training.data.Dataset;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code jdnn eval}: top-1 / top-5 and the confusion matrix of a weights file on a data set's test split. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false, description = "Evaluate weights on a data set's test split.")
public final class EvalCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "Weights (.safetensors) or a training checkpoint (.ckpt).")
    Path weights;

    @Option(names = "--model", required = true, description = "Zoo model the weights belong to.")
    String model;

    @Option(names = {"-b", "--batch-size"}, defaultValue = "100", description = "Images per forward pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    RunOptions run;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() {
        return CliSupport.run(spec.commandLine(), run.verbose, () -> {
            run.validate();
            ZooModel zoo = Models.get(model);
            OptionChecks.atLeast("--batch-size", batchSize, 1, "images per forward pass");
            data.validate();
            if (!Files.isRegularFile(weights)) throw new CliFailure("weights file not found: " + weights);
            Dataset test = data.openTest();
            PrintWriter out = spec.commandLine().getOut();
            try (Backend backend = run.openBackend();
                 CompiledModel cm = CompiledModel.compile(zoo.create(test.numClasses(), test.channels(), test.height(), test.width()),
                         Shape.of(batchSize, test.channels(), test.height(), test.width()), backend, 0, run.compileOptions())) {
                ZooWeights.load(weights, cm, zoo);
                out.println(cm.computeSummary());
                EvalResult r;
                try (DataLoader loader = new DataLoader(test, data.evalTransform(), new DataLoader.Options(batchSize, false, false, 0, 2, 2),
                        Backends.batchBufferAllocator(backend))) {
                    r = Evaluator.evaluate(cm, loader);
                }
                out.printf("%s on %s test (%,d images): loss %.4f, top-1 %.2f%%, top-5 %.2f%%%n", model, data.source().cliName(), r.samples(), r.loss(), 100 * r.top1(), 100 * r.top5());
                if (r.nonFinite() > 0) out.println("warning: " + r.nonFiniteNote() + " (are the weights diverged?)");
                out.println("confusion matrix (rows: true class, columns: predicted):");
                out.print(r.confusionTable());
                out.flush();
            }
            return 0;
        });
    }
}
