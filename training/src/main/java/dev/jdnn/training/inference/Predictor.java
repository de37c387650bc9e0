package dev.jdnn.training.inference;

import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Layer;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.ZooModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import dev.jdnn.training.Ranking;
import dev.jdnn.training.checkpoint.CheckpointMismatchException;
import dev.jdnn.training.checkpoint.SafeTensorsFile;
import dev.jdnn.training.checkpoint.WeightsMetadata;
import dev.jdnn.training.checkpoint.ZooWeights;
import dev.jdnn.training.data.ClassNames;
import dev.jdnn.training.data.FloatImage;
import dev.jdnn.training.data.Preprocessing;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Top-k predictions of a zoo model with weights, for image files, {@link BufferedImage}s, or float inputs that are
 * already preprocessed.
 *
 * <pre>{@code
 * try (Predictor p = Predictor.open(Path.of("resnet18.safetensors"))) {   // model, input, classes from the file
 *     for (Prediction c : p.predict(Path.of("cat.png"), 5)) System.out.println(c);
 * }
 * }</pre>
 *
 * <p>Images are preprocessed as torchvision's evaluation preset does ({@link Preprocessing}) for the model's
 * {@link InputSpec}: from the builder, else what jdnn recorded in the weights file ({@link WeightsMetadata}), else
 * the zoo model's default (torchvision's, e.g. 256 → 224 and ImageNet statistics). Class names likewise: builder,
 * file, else ImageNet-1k for a 1000-class head, else "class i".
 *
 * <p>Thread-safe: any number of threads may call the predict methods of one predictor. Preprocessing runs in the
 * calling threads; the model runs one batch at a time (calls wait for each other), so results equal those of
 * sequential calls. For throughput, give several images per call ({@link #predictAll}) with a
 * {@link Builder#batchSize batch size} above 1, or use one predictor per thread.
 */
public final class Predictor implements AutoCloseable {
    private final CompiledModel model;
    private final Backend ownedBackend;
    private final boolean ownsModel;
    private final String modelName;
    private final Preprocessing preprocessing;
    private final List<String> classNames;
    private final Object lock = new Object();

    private Predictor(CompiledModel model, boolean ownsModel, Backend ownedBackend, String modelName, InputSpec input, List<String> classNames) {
        this.model = model;
        this.ownsModel = ownsModel;
        this.ownedBackend = ownedBackend;
        this.modelName = modelName;
        this.preprocessing = new Preprocessing(input);
        int classes = model.outputShape().dim(1);
        if (classNames != null && classNames.size() != classes) {
            throw new IllegalArgumentException(classNames.size() + " class names for a model with " + classes + " outputs");
        }
        this.classNames = classNames != null ? List.copyOf(classNames) : IntStream.range(0, classes).mapToObj(i -> "class " + i).toList();
        Shape in = model.inputShape();
        if (in.dim(1) != input.channels() || in.dim(2) != input.height() || in.dim(3) != input.width()) {
            throw new IllegalArgumentException("the model takes " + in.dim(1) + "x" + in.dim(2) + "x" + in.dim(3) + " inputs but the preprocessing makes "
                    + input.channels() + "x" + input.height() + "x" + input.width());
        }
    }

    /** A predictor for a weights file written by jdnn (it records the model); on the {@code auto} device. */
    public static Predictor open(Path weights) {
        return builder(weights).build();
    }

    /** A predictor for zoo model {@code model} with weights from a file (jdnn's, or PyTorch's with torchvision key names). */
    public static Predictor open(String model, Path weights) {
        return builder(weights).model(model).build();
    }

    public static Builder builder(Path weights) {
        return new Builder(weights);
    }

    /**
     * A predictor over a model compiled elsewhere (e.g. one being fine-tuned), which stays the caller's to close.
     * Its batch size is the model's. Predicting switches it to evaluation mode for the call.
     */
    public static Predictor of(CompiledModel model, InputSpec input, List<String> classNames) {
        return new Predictor(model, false, null, model.module().getClass().getSimpleName(), input, classNames);
    }

    /** The zoo model's name; for a predictor made by {@link #of}, the model's layer class (it has no zoo name). */
    public String modelName() { return modelName; }
    public InputSpec input() { return preprocessing.spec(); }
    public List<String> classNames() { return classNames; }
    public int batchSize() { return model.inputShape().dim(0); }
    /** What the model computes in, e.g. "precision bf16 (...), layout nhwc" ({@link CompiledModel#computeSummary()}). */
    public String computeSummary() { return model.computeSummary(); }

    /**
     * The {@code k} most probable classes of an image file (PNG, JPEG, BMP, GIF), most probable first; an empty list
     * when the model's outputs for it are NaN or infinite (diverged weights), since no class can then be ranked.
     */
    public List<Prediction> predict(Path image, int k) {
        return predictInputs(List.of(preprocessing.apply(image)), k).getFirst();
    }

    public List<Prediction> predict(BufferedImage image, int k) {
        return predictInputs(List.of(preprocessing.apply(image)), k).getFirst();
    }

    public List<Prediction> predict(FloatImage image, int k) {
        return predictInputs(List.of(preprocessing.apply(image)), k).getFirst();
    }

    /** For one preprocessed input ({@code C×H×W} floats, normalised as {@link #input()} says). */
    public List<Prediction> predict(float[] input, int k) {
        return predictInputs(List.of(checkInput(input)), k).getFirst();
    }

    /** Image files, in batches of {@link #batchSize()}; preprocessing runs in parallel. */
    public List<List<Prediction>> predictAll(List<Path> images, int k) {
        return predictInputs(images.parallelStream().map(preprocessing::apply).toList(), k);
    }

    public List<List<Prediction>> predictImages(List<BufferedImage> images, int k) {
        return predictInputs(images.parallelStream().map(preprocessing::apply).toList(), k);
    }

    /** For a host float tensor of preprocessed inputs, {@code [N, C, H, W]} (any N). */
    public List<List<Prediction>> predict(Tensor inputs, int k) {
        Shape s = inputs.shape(), want = model.inputShape();
        if (inputs.device().isCuda() || inputs.dtype() != dev.jdnn.memory.DType.FLOAT32) {
            throw new IllegalArgumentException("inputs must be a host float32 tensor, got " + inputs.describe());
        }
        if (s.rank() != 4 || s.dim(1) != want.dim(1) || s.dim(2) != want.dim(2) || s.dim(3) != want.dim(3)) {
            throw new IllegalArgumentException("inputs must be [N, " + want.dim(1) + ", " + want.dim(2) + ", " + want.dim(3) + "], got " + s);
        }
        float[] all = inputs.toFloatArray();
        int sample = want.dim(1) * want.dim(2) * want.dim(3);
        List<float[]> list = new ArrayList<>();
        for (int n = 0; n < s.dim(0); n++) list.add(Arrays.copyOfRange(all, n * sample, (n + 1) * sample));
        return predictInputs(list, k);
    }

    /** The raw class scores (logits) for one preprocessed input. */
    public float[] logits(float[] input) {
        return logits(List.of(checkInput(input))).getFirst();
    }

    private float[] checkInput(float[] input) {
        int sample = Math.toIntExact(model.inputShape().numel() / batchSize());
        if (input.length != sample) throw new IllegalArgumentException("an input needs " + sample + " floats (" + describeInput() + "), got " + input.length);
        return input;
    }

    private String describeInput() {
        InputSpec in = preprocessing.spec();
        return in.channels() + "x" + in.height() + "x" + in.width();
    }

    private List<List<Prediction>> predictInputs(List<float[]> inputs, int k) {
        if (k < 1) throw new IllegalArgumentException("k must be >= 1, got " + k);
        return logits(inputs).stream().map(z -> topK(z, Math.min(k, z.length))).toList();
    }

    /** Runs the model over the inputs in batches (the last one padded with zeros); one batch at a time. */
    private List<float[]> logits(List<float[]> inputs) {
        int batch = batchSize(), classes = model.outputShape().dim(1);
        int sample = Math.toIntExact(model.inputShape().numel() / batch);
        List<float[]> out = new ArrayList<>(inputs.size());
        float[] buffer = new float[batch * sample], scores = new float[batch * classes];
        synchronized (lock) {
            boolean wasTraining = model.isTraining();
            model.setTraining(false);
            try {
                for (int start = 0; start < inputs.size(); start += batch) {
                    int count = Math.min(batch, inputs.size() - start);
                    Arrays.fill(buffer, 0f);
                    for (int i = 0; i < count; i++) System.arraycopy(inputs.get(start + i), 0, buffer, i * sample, sample);
                    model.backend().upload(buffer, model.input());
                    model.backend().download(model.forward(), scores);
                    for (int i = 0; i < count; i++) out.add(Arrays.copyOfRange(scores, i * classes, (i + 1) * classes));
                }
            } finally {
                model.setTraining(wasTraining);
            }
        }
        return out;
    }

    /** The k best classes; none when an output is NaN or infinite (no class can be ranked, {@link Ranking}). */
    private List<Prediction> topK(float[] z, int k) {
        if (!Ranking.allFinite(z, 0, z.length)) return List.of();
        return Ranking.topK(z, k).stream().map(i -> new Prediction(i, classNames.get(i), Ranking.softmax(z, i))).toList();
    }

    @Override
    public void close() {
        if (ownsModel) model.close();
        if (ownedBackend != null) ownedBackend.close();
    }

    /** Options of a {@link Predictor} built from a weights file. */
    public static final class Builder {
        private final Path weights;
        private String model, device = "auto";
        private Backend backend;
        private InputSpec input;
        private List<String> classNames;
        private int batchSize = 1;
        private CompileOptions options = CompileOptions.DEFAULT;

        private Builder(Path weights) {
            this.weights = Objects.requireNonNull(weights, "weights");
        }

        /** The zoo model; needed when the file does not record it (files not written by jdnn). */
        public Builder model(String name) { this.model = name; return this; }
        /** Where to run: "auto" (default), "cpu", "cuda", "cuda:N"; the predictor opens and closes that backend. */
        public Builder device(String d) { this.device = d; return this; }
        /** Run on this backend, which stays the caller's to close (instead of {@link #device}). */
        public Builder backend(Backend b) { this.backend = b; return this; }
        /** Input geometry and preprocessing, instead of the file's or the zoo's. */
        public Builder input(InputSpec spec) { this.input = spec; return this; }
        /** Class names, instead of the file's or ImageNet's. */
        public Builder classNames(List<String> names) { this.classNames = names; return this; }
        /**
         * How the model is compiled (precision, layout, fusion; default {@link CompileOptions#DEFAULT}: TF32 where the
         * device has it, NHWC on GPUs with tensor cores).
         */
        public Builder compileOptions(CompileOptions o) { this.options = Objects.requireNonNull(o, "compile options"); return this; }
        /**
         * The precision to compute in (fp32, tf32, bf16, fp16; see {@link CompileOptions.Precision}); a backend the
         * predictor opens for {@link #device} is opened for it (strict float32 math for fp32).
         */
        public Builder precision(CompileOptions.Precision p) { return compileOptions(options.withPrecision(p)); }
        /** Images per forward pass (default 1). */
        public Builder batchSize(int n) {
            if (n < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + n);
            this.batchSize = n;
            return this;
        }

        public Predictor build() {
            if (!Files.isRegularFile(weights)) throw new IllegalArgumentException("weights file not found: " + weights);
            ZooModel zoo;
            InputSpec spec;
            List<String> names;
            ModelConfig cfg;
            try (SafeTensorsFile f = SafeTensorsFile.open(weights)) {
                WeightsMetadata meta = WeightsMetadata.read(f);
                String name = model != null ? model : meta.model();
                if (name == null) throw new IllegalArgumentException(weights + " does not say which zoo model it belongs to (not written by jdnn): name it with .model(...)");
                zoo = Models.get(name);
                spec = input != null ? input : meta.input() != null ? meta.input() : zoo.input();
                Layer probe = zoo.create(ModelConfig.of(1, spec.channels(), spec.height(), spec.width()));
                int classes = ZooWeights.classCount(f, zoo, probe);
                if (classes < 1) throw new CheckpointMismatchException(weights, "has no " + zoo.head() + ".weight: is it a " + name + "?");
                names = classNames != null ? classNames : meta.classNames() != null ? meta.classNames() : ClassNames.forClassCount(classes);
                // Auxiliary heads (GoogLeNet) are built when the file has them, so that loading stays strict.
                boolean aux = zoo.heads().size() > 1 && f.entries().containsKey(zoo.heads().get(1) + ".weight");
                cfg = ModelConfig.of(classes, spec.channels(), spec.height(), spec.width()).withAuxLogits(aux);
            }
            Layer net = zoo.create(cfg);
            Backend b = backend != null ? backend : Backends.open(device, false, options.precision() == CompileOptions.Precision.FP32);
            CompiledModel cm = null;
            try {
                cm = CompiledModel.compile(net, Shape.of(batchSize, spec.channels(), spec.height(), spec.width()), b, 0, options);
                cm.setTraining(false);
                ZooWeights.load(weights, cm, zoo);
                return new Predictor(cm, true, backend != null ? null : b, zoo.name(), spec, names);
            } catch (RuntimeException | Error e) {
                if (cm != null) cm.close();
                if (backend == null) b.close();
                throw e;
            }
        }
    }
}
