package dev.jdnn.training.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.networks.models.InputSpec;
import dev.jdnn.networks.models.InputSpec.Interpolation;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.data.DataSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What jdnn writes into a weights file's metadata so that it can be used without repeating how it was trained: the
 * zoo model, the input and its preprocessing, the class names, the data set. {@link #read} gives null fields for
 * what a file does not record (every field of a file from PyTorch).
 *
 * @param model      zoo model name ({@code jdnn.model})
 * @param input      input geometry and preprocessing ({@code jdnn.input} "CxHxW", {@code jdnn.resize},
 *                   {@code jdnn.interpolation}, {@code jdnn.mean}/{@code jdnn.std}; files written before the last
 *                   three existed give the data set's normalisation and the default resize)
 * @param classNames class names in label order ({@code jdnn.classes}, JSON)
 * @param data       the data set's name, e.g. "fashion-mnist" ({@code jdnn.data})
 */
public record WeightsMetadata(String model, InputSpec input, List<String> classNames, String data) {
    public static final String MODEL = "jdnn.model", INPUT = "jdnn.input", RESIZE = "jdnn.resize", INTERPOLATION = "jdnn.interpolation",
            MEAN = "jdnn.mean", STD = "jdnn.std", DATA = "jdnn.data", CLASSES = "jdnn.classes";
    private static final ObjectMapper JSON = new ObjectMapper();

    public WeightsMetadata {
        classNames = classNames == null ? null : List.copyOf(classNames);
    }

    /** The metadata entries (only the fields that are set), for {@link StateDicts#saveWeights}. */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>();
        if (model != null) m.put(MODEL, model);
        if (input != null) {
            m.put(INPUT, input.channels() + "x" + input.height() + "x" + input.width());
            m.put(RESIZE, Integer.toString(input.resizeSize()));
            m.put(INTERPOLATION, input.interpolation().name().toLowerCase(Locale.ROOT));
            m.put(MEAN, json(input.normalization().mean()));
            m.put(STD, json(input.normalization().std()));
        }
        if (data != null) m.put(DATA, data);
        if (classNames != null) m.put(CLASSES, json(classNames));
        return m;
    }

    /** What {@code file} records; fields it lacks are null. Malformed values are reported naming the key and file. */
    public static WeightsMetadata read(SafeTensorsFile file) {
        Map<String, String> m = file.metadata();
        try {
            return new WeightsMetadata(m.get(MODEL), input(m), m.containsKey(CLASSES) ? JSON.readValue(m.get(CLASSES), new TypeReference<List<String>>() {}) : null, m.get(DATA));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new CheckpointMismatchException(file.file(), "unreadable jdnn metadata: " + e.getMessage());
        }
    }

    private static InputSpec input(Map<String, String> m) throws JsonProcessingException {
        String chw = m.get(INPUT);
        if (chw == null) return null;
        int[] dims = parseChw(chw);
        Normalization norm;
        if (m.containsKey(MEAN) && m.containsKey(STD)) norm = new Normalization(JSON.readValue(m.get(MEAN), float[].class), JSON.readValue(m.get(STD), float[].class));
        else if (m.containsKey(DATA)) norm = DataSource.byName(m.get(DATA)).normalization();
        else return null;
        int crop = Math.min(dims[1], dims[2]);
        int resize = m.containsKey(RESIZE) ? Integer.parseInt(m.get(RESIZE)) : crop >= 64 ? crop * 8 / 7 : crop;
        Interpolation interpolation = m.containsKey(INTERPOLATION) ? Interpolation.valueOf(m.get(INTERPOLATION).toUpperCase(Locale.ROOT)) : Interpolation.BILINEAR;
        return new InputSpec(dims[0], dims[1], dims[2], resize, interpolation, norm);
    }

    /** The largest channel count or side an input shape may have. */
    public static final int MAX_INPUT_SIDE = 4096;

    /**
     * [C, H, W] from "CxHxW" (e.g. "3x224x224"), each in [1, {@link #MAX_INPUT_SIDE}]; anything else is an
     * IllegalArgumentException naming the value.
     */
    public static int[] parseChw(String s) {
        String[] parts = s.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 3) {
                int[] chw = {Integer.parseInt(parts[0].strip()), Integer.parseInt(parts[1].strip()), Integer.parseInt(parts[2].strip())};
                boolean inRange = true;
                for (int v : chw) inRange &= v >= 1 && v <= MAX_INPUT_SIDE;
                if (inRange) return chw;
            }
        } catch (NumberFormatException ignored) {
            // the message below says what is expected
        }
        throw new IllegalArgumentException("input shape must be three integers CxHxW, each in [1, " + MAX_INPUT_SIDE + "], e.g. 3x224x224; got '" + s + "'");
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
