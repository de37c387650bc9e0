package dev.jdnn.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jdnn.training.checkpoint.SafeTensorsFile;

import java.util.List;

/** The metadata jdnn writes into best.safetensors, read back by eval and predict (absent in foreign files). */
final class WeightsInfo {
    static final String MODEL = "jdnn.model";
    static final String INPUT = "jdnn.input";
    static final String DATA = "jdnn.data";
    static final String CLASSES = "jdnn.classes";

    /** The largest channel count or side an input shape may have (as --image-size's limit). */
    static final int MAX_INPUT_SIDE = 4096;

    private WeightsInfo() {}

    /** [C, H, W] from "CxHxW", or null when absent. */
    static int[] input(SafeTensorsFile f) {
        String s = f.metadata().get(INPUT);
        return s == null ? null : parseChw(s);
    }

    static int[] parseChw(String s) {
        String[] parts = s.toLowerCase().split("x");
        if (parts.length != 3) throw new IllegalArgumentException("input shape must be CxHxW, e.g. 3x224x224; got '" + s + "'");
        try {
            int[] chw = {Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2])};
            for (int v : chw) if (v < 1 || v > MAX_INPUT_SIDE) throw new NumberFormatException();
            return chw;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("input shape must be three integers CxHxW, each in [1, " + MAX_INPUT_SIDE + "]; got '" + s + "'");
        }
    }

    static List<String> classes(SafeTensorsFile f) {
        String s = f.metadata().get(CLASSES);
        if (s == null) return null;
        try {
            return new ObjectMapper().readValue(s, new TypeReference<List<String>>() {});
        } catch (Exception e) {
            return null;
        }
    }
}
