package dev.jdnn.training;

/**
 * The loss became NaN or infinite: training stops before the optimizer applied that step (the model's parameters,
 * the optimizer's state and step count are as after the last good step); the last checkpoint written before this
 * step is kept.
 */
public final class TrainingDivergedException extends RuntimeException {
    private final long globalStep;

    public TrainingDivergedException(int epoch, int batch, long globalStep, float loss) {
        super("loss became " + loss + " at step " + globalStep + " (epoch " + (epoch + 1) + ", batch " + (batch + 1)
                + "); stopped. The last good checkpoint (if any) is kept — try a lower learning rate or gradient clipping");
        this.globalStep = globalStep;
    }

    public long globalStep() {
        return globalStep;
    }
}
