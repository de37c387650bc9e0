package dev.jdnn.training.listeners;

import dev.jdnn.training.StepMetrics;
import dev.jdnn.training.TrainingDivergedException;
import dev.jdnn.training.TrainingListener;

/**
 * Stops training at the first step whose loss is NaN or infinite, with {@link TrainingDivergedException}. The device
 * skipped that step's update (see {@link dev.jdnn.training.Trainer}), so parameters, optimizer state and step count
 * are as after the last good step, and no checkpoint is written for the unfinished epoch. Add it before listeners that
 * should not see the divergent step.
 */
public final class StopOnDivergence implements TrainingListener {
    @Override
    public void onStep(StepMetrics step) {
        // globalStep counts this step: the divergent step's index is one less.
        if (!Double.isFinite(step.loss())) throw new TrainingDivergedException(step.epoch(), step.batch(), step.globalStep() - 1, (float) step.loss());
    }
}
