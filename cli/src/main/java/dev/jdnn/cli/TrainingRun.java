package dev.jdnn.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jdnn.memory.Shape;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.Trainer;
import dev.jdnn.training.checkpoint.AtomicFiles;
import dev.jdnn.training.checkpoint.TrainingState;
import dev.jdnn.training.checkpoint.WeightsMetadata;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.io.IoErrors;
import dev.jdnn.training.listeners.CheckpointWriter;
import dev.jdnn.training.listeners.EpochSummaryPrinter;
import dev.jdnn.training.listeners.MetricsCsv;
import dev.jdnn.training.listeners.StopOnDivergence;
import dev.jdnn.training.optim.Optimizer;
import picocli.CommandLine;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * What train and finetune share once the model is built: compile, optimizer, schedule, the Trainer with progress
 * output, and the run directory (config.json, metrics.csv, curves.png, last.ckpt, best.safetensors).
 */
final class TrainingRun {
    static final String CONFIG = "config.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private TrainingRun() {}

    /** Everything a run needs beyond the options. */
    record Setup(String modelName, Layer model, Dataset train, Dataset test, Map<String, Object> extraConfig,
                 Consumer<CompiledModel> afterCompile, List<String> headPaths, Double headLr) {
        Setup(String modelName, Layer model, Dataset train, Dataset test, Map<String, Object> extraConfig) {
            this(modelName, model, train, test, extraConfig, null, List.of(), null);
        }
    }

    static int execute(CommandLine cmd, HyperOptions h, DataOptions d, TrainingDataOptions td, RunOptions run, Setup s) {
        PrintWriter out = cmd.getOut();
        long seed = h.seed;
        int batchesPerEpoch = s.train().size() / h.batchSize;
        Map<String, Object> config = config(h, d, td, run, s, seed);
        TrainingState resumeState = h.resume == null ? null : ResumeCheck.check(h.resume, config, h.epochs, h.schedule, batchesPerEpoch, out);
        Path dir = h.out != null ? h.out
                : h.resume != null ? h.resume.toAbsolutePath().getParent()
                : Path.of("runs", s.modelName() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));

        try (Backend backend = run.openBackend()) {
            Shape input = Shape.of(h.batchSize, s.train().channels(), s.train().height(), s.train().width());
            out.printf("model %s (%,d parameters) on %s, %s: %,d training / %,d test images, batch %d, %d epochs%n",
                    s.modelName(), s.model().parameterCount(), backend.name(), d.source().cliName(), s.train().size(), s.test().size(), h.batchSize, h.epochs);
            out.println("deterministic: " + run.determinism(backend));
            try (CompiledModel model = CompiledModel.compile(s.model(), input, backend, seed, run.compileOptions())) {
                if (s.afterCompile() != null) s.afterCompile().accept(model);
                out.println(model.computeSummary());
                out.println(model.fusionSummary());
                config.put("backend", backend.name());
                config.put("deterministic", run.deterministicOn(backend));
                config.put("compute", model.computeSummary());
                String configJson = toJson(config);
                MetricsCsv csv = new MetricsCsv(dir, resumeState == null ? 0 : resumeState.epoch());
                CurvesChart curves = new CurvesChart(dir, csv, cmd.getErr()::println);
                try (Optimizer optimizer = h.createOptimizer(model, s.headPaths(), s.headLr());
                     Trainer trainer = Trainer.builder(model, optimizer)
                             .trainData(s.train(), td.transform(d, s.modelName())).testData(s.test(), d.evalTransform())
                             .epochs(h.epochs).schedule(h.schedule(Math.max(1, batchesPerEpoch)))
                             .labelSmoothing(h.labelSmoothing).maxGradNorm(h.maxGradNorm).seed(seed)
                             .loaderWorkers(h.workers)
                             .bufferAllocator(Backends.batchBufferAllocator(backend))
                             .listener(new StopOnDivergence())
                             .listener(new CheckpointWriter(dir, configJson, weightsMetadata(s, d).toMap()))
                             .listener(new ProgressListener(barStream(), h.epochs, h.batchSize))
                             .listener(new EpochSummaryPrinter(out, h.epochs))
                             .listener(csv)
                             .listener(curves)
                             .build()) {
                    if (h.resume != null) {
                        TrainingState st = trainer.resume(h.resume);
                        out.printf("resumed from %s at epoch %d (step %d)%n", h.resume, st.epoch() + 1, st.globalStep());
                    }
                    // Only now that everything fits is the run directory created: a failed start leaves nothing behind.
                    createDirectory(dir);
                    AtomicFiles.writeString(dir.resolve(CONFIG), configJson);
                    List<EpochMetrics> history = trainer.fit();
                    EpochMetrics best = history.stream().filter(e -> e.test() != null).max((a, b) -> Double.compare(a.test().top1(), b.test().top1())).orElse(null);
                    if (best != null) out.printf("best test top-1 %.2f%% (epoch %d)%n", 100 * best.test().top1(), best.epoch() + 1);
                    out.println("graph capture: " + model.graphCaptureStatus());
                    out.println("wrote " + dir.toAbsolutePath() + "/{" + String.join(", ", written(dir, curves)) + "}");
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** The run directory's files that exist now; curves.png only when this run drew it. */
    static List<String> written(Path dir, CurvesChart curves) {
        List<String> out = new ArrayList<>();
        for (String f : List.of(CONFIG, MetricsCsv.FILE, CurvesChart.CURVES, CheckpointWriter.LAST_CHECKPOINT, CheckpointWriter.BEST_WEIGHTS)) {
            boolean drawn = !f.equals(CurvesChart.CURVES) || curves.curvesWritten();
            if (drawn && Files.isRegularFile(dir.resolve(f))) out.add(f);
        }
        return out;
    }

    private static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output directory " + dir + ": " + IoErrors.reason(e), e);
        }
    }

    /** The progress bar only on an interactive terminal; redirected output gets the summary lines alone. */
    private static PrintStream barStream() {
        try {
            Console c = System.console();
            return c != null && c.isTerminal() ? System.err : null;
        } catch (RuntimeException | LinkageError e) { // a terminal problem never stops a run
            return null;
        }
    }

    /**
     * What predict and eval (and {@code Predictor}) need to use best.safetensors without repeating the options:
     * the model, the input with the data set's normalisation (image folders: their resize and crop), the classes.
     */
    static WeightsMetadata weightsMetadata(Setup s, DataOptions d) {
        Dataset t = s.train();
        int side = Math.min(t.height(), t.width());
        int resize = d.source() == DataSource.FOLDER ? side * 8 / 7 : side;
        InputSpec input = new InputSpec(t.channels(), t.height(), t.width(), resize, InputSpec.Interpolation.BILINEAR, d.source().normalization());
        return new WeightsMetadata(s.modelName(), input, t.classNames(), d.source().cliName());
    }

    /**
     * The run's options and data as config.json and every checkpoint record them; {@code --resume} compares them
     * ({@link ResumeCheck}). "backend", "deterministic" and "compute" (what the precision and layout mean there) are
     * filled in once the backend is open and the model compiled.
     */
    private static Map<String, Object> config(HyperOptions h, DataOptions d, TrainingDataOptions td, RunOptions run, Setup s, long seed) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("model", s.modelName());
        c.put("data", d.source().cliName());
        c.put("data_dir", d.dataDir == null ? String.valueOf(d.source().defaultDirectory()) : d.dataDir.toString());
        c.put("train_images", s.train().size());
        c.put("test_images", s.test().size());
        c.put("train_labels_crc32", labelsChecksum(s.train()));
        c.put("epochs", h.epochs);
        c.put("batch_size", h.batchSize);
        c.put("optimizer", h.optimizerName());
        c.put("lr", h.effectiveLr());
        c.put("momentum", h.momentum);
        c.put("weight_decay", h.effectiveWeightDecay());
        c.put("schedule", h.schedule);
        if (h.lrWarmupEpochs != null) c.put("lr_warmup_epochs", h.lrWarmupEpochs);
        c.put("label_smoothing", h.labelSmoothing);
        c.put("max_grad_norm", h.maxGradNorm);
        c.put("seed", seed);
        c.put("limit", h.limit);
        if (d.classes != null) c.put("classes", d.classes);
        if (td.perClass > 0) c.put("per_class", td.perClass);
        c.put("augment", td.augments(s.modelName()) ? "standard" : "none");
        c.put("device", run.device);
        c.putAll(run.config());
        c.put("backend", null);
        c.put("deterministic", null);
        c.put("compute", null);
        if (s.headLr() != null) c.put("head_lr", s.headLr());
        c.putAll(s.extraConfig());
        return c;
    }

    /** CRC-32 of the training set's class names and labels in order, as hex: tells "the same data" from other data of the same size. */
    static String labelsChecksum(Dataset train) {
        CRC32 crc = new CRC32();
        crc.update(String.join("\n", train.classNames()).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < train.size(); i++) crc.update(train.label(i));
        return String.format("%08x", crc.getValue());
    }

    static String toJson(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
