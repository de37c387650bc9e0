package dev.jdnn.networks.graph;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.ops.Backend;

import java.util.SplittableRandom;

/** Seeded inputs and labels for the graph tests. */
final class GraphFixture {
    private GraphFixture() {}

    static float[] input(Shape shape, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[Math.toIntExact(shape.numel())];
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return x;
    }

    static Tensor labels(Backend backend, int n, int classes) {
        Tensor labels = backend.allocate(Shape.of(n), DType.INT32);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = (i * 7 + 1) % classes;
        backend.uploadInts(y, labels);
        return labels;
    }
}
