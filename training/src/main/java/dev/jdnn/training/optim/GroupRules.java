package dev.jdnn.training.optim;

import dev.jdnn.networks.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How trainable parameters are split into {@link ParameterGroup}s: a base learning rate and weight decay, optionally
 * no weight decay on parameters of rank 1 (BN weights/biases and all biases — the usual recipe), and learning rates
 * by name prefix (e.g. a smaller one for a pretrained backbone than for a new head; the first matching prefix wins).
 */
public final class GroupRules {
    private final double lr;
    private final double weightDecay;
    private boolean noDecayOnRank1;
    private final Map<String, Double> lrByPrefix = new LinkedHashMap<>();

    public GroupRules(double lr, double weightDecay) {
        this.lr = lr;
        this.weightDecay = weightDecay;
    }

    public GroupRules noDecayOnRank1(boolean enabled) {
        this.noDecayOnRank1 = enabled;
        return this;
    }

    /** Parameters whose full name starts with {@code prefix} + "." (or equals it) get learning rate {@code lr}. */
    public GroupRules lrForPrefix(String prefix, double lr) {
        lrByPrefix.put(prefix, lr);
        return this;
    }

    /** Groups in order of their first parameter; every parameter lands in exactly one group. */
    public List<ParameterGroup> partition(Map<String, Parameter> trainable) {
        record Key(String prefix, boolean decay) {}
        Map<Key, List<String>> members = new LinkedHashMap<>();
        for (var e : trainable.entrySet()) {
            String prefix = matchingPrefix(e.getKey());
            boolean decay = weightDecay > 0 && !(noDecayOnRank1 && e.getValue().shape().rank() <= 1);
            members.computeIfAbsent(new Key(prefix, decay), k -> new ArrayList<>()).add(e.getKey());
        }
        List<ParameterGroup> groups = new ArrayList<>();
        members.forEach((k, names) -> {
            String name = (k.prefix == null ? "default" : k.prefix) + (k.decay || weightDecay == 0 ? "" : "/no_decay");
            groups.add(new ParameterGroup(name, names, k.prefix == null ? lr : lrByPrefix.get(k.prefix), k.decay ? weightDecay : 0));
        });
        return groups;
    }

    private String matchingPrefix(String name) {
        for (String p : lrByPrefix.keySet()) if (name.equals(p) || name.startsWith(p + ".")) return p;
        return null;
    }
}
