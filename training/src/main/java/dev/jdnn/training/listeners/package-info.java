/**
 * {@link dev.jdnn.training.TrainingListener}s for what a training run does besides stepping: writing checkpoints
 * ({@link dev.jdnn.training.listeners.CheckpointWriter}) and stopping when the loss diverges
 * ({@link dev.jdnn.training.listeners.StopOnDivergence}). The {@link dev.jdnn.training.Trainer} knows none of them;
 * add them with {@code Trainer.Builder.listener}.
 */
package dev.jdnn.training.listeners;
