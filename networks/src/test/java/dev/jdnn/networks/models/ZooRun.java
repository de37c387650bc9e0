package dev.jdnn.networks.models;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.Parameter;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.ops.Backend;
import dev.jdnn.ops.OptimizerConfig;
import dev.jdnn.ops.testing.Updates;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What one compile of a zoo model computes on a fixed batch, read by name so that compiles with different layouts
 * and precisions compare element for element: the evaluation logits before training, then per training step
 * (forward, loss, backward, SGD with momentum on the flat buffers, skipped where the model found the step not finite)
 * the loss, the training logits and every gradient,
 * then the parameters and evaluation logits after the steps. The model, its initial weights (seed 7), the input and
 * the labels depend only on the name and the input shape.
 */
record ZooRun(String name, CompileOptions options, String compute, float[] evalLogits, List<Step> steps, Map<String, float[]> finalParams,
              float[] finalEvalLogits) {
    /** {@code finite}: the model's verdict on the step (loss and, in fp16, unscaled gradients finite); the update is skipped otherwise. */
    record Step(float loss, boolean finite, float[] logits, Map<String, float[]> grads) {}

    private static final OptimizerConfig.Sgd SGD = new OptimizerConfig.Sgd(0.9, 0, 1e-4, false);

    static ZooRun of(String name, Shape input, Backend backend, CompileOptions options, int steps) {
        int classes = 10;
        Shape in = input;
        try (CompiledModel m = CompiledModel.compile(Models.create(name, ModelConfig.of(classes, in.dim(1), in.dim(2), in.dim(3))), in, backend, 7, options);
             Tensor labels = backend.allocate(Shape.of(in.dim(0)), DType.INT32);
             Tensor momentum = backend.zeros(m.flatParameters().shape())) {
            SplittableRandom r = new SplittableRandom(11);
            float[] x = new float[Math.toIntExact(in.numel())];
            for (int i = 0; i < x.length; i++) x[i] = (float) (2 * r.nextDouble() - 1);
            backend.upload(x, m.input());
            int[] y = new int[in.dim(0)];
            for (int i = 0; i < y.length; i++) y[i] = (3 + 4 * i) % classes;
            backend.uploadInts(y, labels);

            m.setTraining(false);
            float[] eval = backend.download(m.forward());
            m.setTraining(true);
            List<Step> taken = new ArrayList<>();
            for (int s = 0; s < steps; s++) {
                float loss = m.forwardBackward(labels, 0f);
                Map<String, float[]> grads = new LinkedHashMap<>();
                m.trainableParameters().forEach((k, p) -> grads.put(k, backend.download(p.grad())));
                taken.add(new Step(loss, m.lastStepFinite(), backend.download(m.output()), grads));
                if (m.lastStepFinite()) Updates.sgd(backend, m.flatParameters(), m.flatGradients(), momentum, SGD, 0.01, s + 1); // as a guarded update does
            }
            Map<String, float[]> params = new LinkedHashMap<>();
            for (Map.Entry<String, Parameter> e : m.stateDict().entrySet()) params.put(e.getKey(), backend.download(e.getValue().value()));
            m.setTraining(false);
            float[] after = backend.download(m.forward());
            return new ZooRun(name, options, m.computeSummary() + "; " + m.describeGraph(true).lines().count() + " training nodes", eval,
                    taken, params, after);
        }
    }
}
