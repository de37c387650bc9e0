package dev.jdnn.training.optim;

import java.util.List;

/** Parameters sharing hyper-parameters: a base learning rate (scaled by the schedule) and a weight decay. */
public record ParameterGroup(String name, List<String> parameterNames, double lr, double weightDecay) {
    public ParameterGroup {
        parameterNames = List.copyOf(parameterNames);
        if (!(lr >= 0)) throw new IllegalArgumentException("group '" + name + "': learning rate must be >= 0, got " + lr);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("group '" + name + "': weight decay must be >= 0, got " + weightDecay);
    }
}
