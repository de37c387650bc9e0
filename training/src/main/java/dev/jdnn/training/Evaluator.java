package dev.jdnn.training;

import dev.jdnn.memory.DType;
import dev.jdnn.memory.Shape;
import dev.jdnn.memory.Tensor;
import dev.jdnn.networks.graph.CompiledModel;
import dev.jdnn.training.data.Batch;
import dev.jdnn.training.data.DataLoader;

/**
 * Runs the evaluation graph (no gradients, BN running statistics, no dropout) over a loader's epoch and scores the
 * logits on the host in float64: cross-entropy, top-1, top-5, confusion matrix. Ties and non-finite logits count
 * against the model ({@link Ranking}); samples with a NaN or infinite logit are counted wrong, reported in
 * {@link EvalResult#nonFinite()} and left out of the confusion matrix (they have no prediction). Padded entries of
 * the last batch are skipped. Restores the model's previous mode afterwards.
 */
public final class Evaluator {
    private Evaluator() {}

    public static EvalResult evaluate(CompiledModel model, DataLoader loader) {
        int n = model.inputShape().dim(0), classes = model.outputShape().dim(1);
        if (loader.options().batchSize() != n) {
            throw new IllegalArgumentException("evaluation batch size " + loader.options().batchSize() + " differs from the compiled batch size " + n);
        }
        if (loader.dataset().numClasses() > classes) {
            throw new IllegalArgumentException("the data set has " + loader.dataset().numClasses() + " classes but the model outputs " + classes);
        }
        boolean wasTraining = model.isTraining();
        model.setTraining(false);
        long[][] confusion = new long[classes][classes];
        double lossSum = 0;
        long top1 = 0, top5 = 0, nonFinite = 0, count = 0;
        float[] logits = new float[n * classes];
        try (Tensor labels = model.backend().allocate(Shape.of(n), DType.INT32);
             DataLoader.Epoch epoch = loader.epoch(0)) {
            BatchTransfer transfer = new BatchTransfer(model.backend());
            while (epoch.hasNext()) {
                Batch b = epoch.next();
                transfer.toDevice(b, model.input(), labels);
                model.backend().download(model.forward(), logits);
                for (int i = 0; i < b.count(); i++) {
                    int label = b.labels()[i];
                    lossSum += crossEntropy(logits, i * classes, classes, label);
                    int rank = Ranking.rank(logits, i * classes, classes, label);
                    if (rank <= 1) top1++;
                    if (rank <= 5) top5++;
                    if (rank == Ranking.UNRANKED) nonFinite++;
                    else confusion[label][Ranking.predicted(logits, i * classes, classes, label)]++;
                    count++;
                }
            }
        } finally {
            model.setTraining(wasTraining);
        }
        return new EvalResult((int) count, (int) nonFinite, lossSum / count, (double) top1 / count, (double) top5 / count, confusion, loader.dataset().classNames());
    }

    static double crossEntropy(float[] z, int off, int classes, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < classes; j++) max = Math.max(max, z[off + j]);
        double sum = 0;
        for (int j = 0; j < classes; j++) sum += Math.exp(z[off + j] - max);
        return Math.log(sum) + max - z[off + label];
    }
}
