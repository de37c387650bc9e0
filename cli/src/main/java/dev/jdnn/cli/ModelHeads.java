package dev.jdnn.cli;

import dev.jdnn.networks.Layer;
import dev.jdnn.networks.layers.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where a zoo model keeps its classifier and its last feature stage, read from the module tree by torchvision's
 * conventions: the head is child {@code fc} (ResNets, GoogLeNet, ShuffleNets, MobileNet v1) or the last entry of the
 * {@code classifier} Sequential (AlexNet, VGG, LeNet, MobileNet v2/v3, EfficientNet); GoogLeNet's auxiliary
 * classifiers {@code aux1}/{@code aux2} also depend on the class count. The last stage is the last child with
 * parameters before the head (layer4 of a ResNet), or the last parameterised entry of {@code features}.
 */
final class ModelHeads {
    private ModelHeads() {}

    /** The main classifier's path, e.g. "fc" or "classifier.6". */
    static String head(Layer model) {
        Map<String, Layer> children = model.children();
        if (children.containsKey("fc")) return "fc";
        Layer c = children.get("classifier");
        if (c instanceof Sequential s && !s.children().isEmpty()) {
            List<String> names = new ArrayList<>(s.children().keySet());
            return "classifier." + names.getLast();
        }
        if (c != null) return "classifier";
        throw new IllegalArgumentException(model + " has neither an 'fc' nor a 'classifier' child; cannot find its head");
    }

    /** Every path whose parameters depend on the number of classes: the head and any auxiliary classifiers. */
    static List<String> classDependent(Layer model) {
        List<String> out = new ArrayList<>(List.of(head(model)));
        for (String child : model.children().keySet()) if (child.startsWith("aux")) out.add(child);
        return out;
    }

    /** The last feature stage before the head. */
    static String lastStage(Layer model) {
        String head = head(model);
        String headTop = head.contains(".") ? head.substring(0, head.indexOf('.')) : head;
        String last = null;
        for (var e : model.children().entrySet()) {
            if (e.getKey().equals(headTop) || e.getKey().startsWith("aux")) continue;
            if (!e.getValue().namedParameters().isEmpty()) last = e.getKey();
        }
        if (last == null) throw new IllegalArgumentException(model + " has no parameterised stage before its head");
        Layer stage = model.children().get(last);
        if (last.equals("features") && stage instanceof Sequential s) {
            String inner = null;
            for (var e : s.children().entrySet()) if (!e.getValue().namedParameters().isEmpty()) inner = e.getKey();
            if (inner != null) return last + "." + inner;
        }
        return last;
    }

    /** True when {@code key} (a state-dict key) lies under one of {@code paths}. */
    static boolean under(String key, List<String> paths) {
        for (String p : paths) if (key.startsWith(p + ".")) return true;
        return false;
    }
}
