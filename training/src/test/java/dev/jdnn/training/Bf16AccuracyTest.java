package dev.jdnn.training;

import dev.jdnn.memory.Shape;
import dev.jdnn.networks.graph.CompileOptions;
import dev.jdnn.networks.graph.CompileOptions.Precision;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.networks.models.ModelConfig;
import dev.jdnn.networks.models.Models;
import dev.jdnn.networks.models.Normalization;
import dev.jdnn.training.data.Augmentations;
import dev.jdnn.training.data.DataSource;
import dev.jdnn.training.data.Dataset;
import dev.jdnn.training.optim.Optimizer;
import dev.jdnn.training.optim.Optimizers;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Mixed precision learns as float32 does: LeNet-5 (28x28) trained on the first TRAIN Fashion-MNIST images for
 * EPOCHS epochs, the same seeds, data order and SGD, once in float32 and once in bf16 on the CPU backend (the CUDA
 * backend's semantics), reaches within 1.5 points of float32's top-1 on the first TEST test images (2,000: one
 * image is 0.05 points; the two runs drift apart by rounding, so a few images flip either way). Both must also learn
 * (above 70 %). Skips with the reason where Fashion-MNIST is not installed.
 */
class Bf16AccuracyTest {
    private static final int TRAIN = 6000, TEST = 2000, EPOCHS = 2, BATCH = 32;

    private static double top1(Precision precision, Dataset train, Dataset test) {
        try (CompiledModel m = CompiledModel.compile(Models.create("lenet5_28", ModelConfig.of(10, 1, 28, 28)), Shape.of(BATCH, 1, 28, 28),
                TinySetup.BACKEND, 5, CompileOptions.DEFAULT.withPrecision(precision));
             Optimizer sgd = Optimizers.sgd(m, 0.05, 0.9, 5e-4, false);
             Trainer t = Trainer.builder(m, sgd).trainData(train, Augmentations.normalize(Normalization.FASHION_MNIST))
                     .testData(test, Augmentations.normalize(Normalization.FASHION_MNIST)).epochs(EPOCHS).seed(9).loaderWorkers(1).build()) {
            long start = System.nanoTime();
            List<EpochMetrics> history = t.fit();
            double top1 = history.getLast().test().top1();
            System.out.printf("lenet5_28 on %,d Fashion-MNIST images, %d epochs, %s: test top-1 %.2f %% (%.1f s)%n", TRAIN, EPOCHS, m.computeSummary(),
                    100 * top1, (System.nanoTime() - start) / 1e9);
            return top1;
        }
    }

    @Test
    void bf16ReachesFloat32sAccuracy() {
        assumeTrue(Files.isDirectory(DataSource.FASHION_MNIST.defaultDirectory()), "Fashion-MNIST not installed at " + DataSource.FASHION_MNIST.defaultDirectory());
        Dataset train = DataSource.FASHION_MNIST.open(null, true, 28).limit(TRAIN), test = DataSource.FASHION_MNIST.open(null, false, 28).limit(TEST);
        double fp32 = top1(Precision.FP32, train, test), bf16 = top1(Precision.BF16, train, test);
        assertTrue(fp32 > 0.7 && bf16 > 0.7, "both learn: fp32 " + fp32 + ", bf16 " + bf16);
        assertTrue(Math.abs(bf16 - fp32) <= 0.015, "bf16 top-1 " + 100 * bf16 + " % vs float32 " + 100 * fp32 + " %");
    }
}
