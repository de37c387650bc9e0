package dev.jdnn.cli;

import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompileOptions.FusionMode;
import dev.jdnn.networks.graph.CompileOptions.Layout;
import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.backends.Backends;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The options every command that runs a model shares (a picocli mixin): where it runs, what it computes in (precision,
 * memory layout, fused ops) and how errors are shown.
 */
final class RunOptions {
    @Option(names = "--device", defaultValue = "auto", paramLabel = "DEVICE",
            description = "auto (CUDA device 0 when usable, else the CPU), cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--deterministic", description = "Repeatable GPU runs: only deterministic cuDNN algorithms, chosen by cuDNN's "
            + "heuristics rather than timing (slower). Off by default (fastest). The CPU backend is always deterministic.")
    boolean deterministic;

    @Option(names = "--precision", defaultValue = "tf32", paramLabel = "P",
            description = "fp32 (strict float32), tf32 (float32 with TF32 tensor cores in convolutions and matrix products on GPUs that have "
                    + "them; float32 on the CPU), bf16 or fp16 (mixed precision as torch.autocast: half-precision activations and weight "
                    + "copies; float32 master weights, batch norm, loss and optimizer; fp16 with dynamic loss scaling) (default: ${DEFAULT-VALUE}).")
    String precision;

    @Option(names = "--layout", defaultValue = "auto", paramLabel = "L",
            description = "Memory format of the activations: auto (nhwc on GPUs with tensor cores, nchw on the CPU), nchw or nhwc. "
                    + "Weights files are the same either way (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--fusion", defaultValue = "off", paramLabel = "F",
            description = "cuDNN's fused graphs for conv + batch norm + ReLU (float32 NCHW only): off (the default until they are verified "
                    + "on a GPU), auto (on CUDA) or on (also on the CPU, where they compose the unfused ops) (default: ${DEFAULT-VALUE}).")
    String fusion;

    @Option(names = "--verbose", description = "Stack traces on errors.")
    boolean verbose;

    /** Checks --device, --precision, --layout and --fusion before any data is read, so a typo fails fast. */
    void validate() {
        Backends.validate(device);
        precision();
        layout();
        fusionMode();
    }

    Precision precision() {
        try {
            return Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--precision must be fp32, tf32, bf16 or fp16 (what activations are stored and computed in), got " + precision);
        }
    }

    Layout layout() {
        return choice("--layout", layout, Layout.class, "auto, nchw or nhwc (the memory format of the activations)");
    }

    FusionMode fusionMode() {
        return choice("--fusion", fusion, FusionMode.class, "off, auto or on (cuDNN's fused conv + batch norm + ReLU graphs)");
    }

    private static <E extends Enum<E>> E choice(String option, String value, Class<E> type, String rule) {
        for (E e : type.getEnumConstants()) if (e.name().equalsIgnoreCase(value.strip())) return e;
        throw new IllegalArgumentException(option + " must be " + rule + ", got " + value);
    }

    /** How models are compiled: --precision, --layout and --fusion. */
    CompileOptions compileOptions() {
        return CompileOptions.DEFAULT.withPrecision(precision()).withLayout(layout()).withFusion(fusionMode());
    }

    /** Whether runs on {@code backend} repeat bit for bit: the CPU backend always does, CUDA with --deterministic. */
    boolean deterministicOn(Backend backend) {
        return deterministic || !backend.device().isCuda();
    }

    /** For the run header: on or off, and why. */
    String determinism(Backend backend) {
        if (!backend.device().isCuda()) return "on (the CPU backend always is)";
        return deterministic ? "on (--deterministic: deterministic cuDNN algorithms)" : "off (fastest algorithms; --deterministic for repeatable runs)";
    }

    /**
     * The backend for --device, in the mode --deterministic asks for and, for --precision fp32, with strict float32
     * math; a CUDA device that cannot run here is a user-facing failure naming why.
     */
    Backend openBackend() {
        try {
            return Backends.open(device, deterministic, precision() == Precision.FP32);
        } catch (IllegalStateException e) {
            throw new CliFailure("--" + e.getMessage() + " (use --device cpu)");
        }
    }

    /** The option values as config.json records them (the requested ones; the run header says what they mean on the backend). */
    Map<String, Object> config() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("precision", precision().label());
        c.put("layout", layout().label());
        c.put("fusion", fusionMode().name().toLowerCase(Locale.ROOT));
        return c;
    }
}
