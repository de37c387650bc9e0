/**
 * Ready-made {@link dev.jdnn.training.TrainingListener}s for {@link dev.jdnn.training.Trainer}, for what a training run
 * does besides stepping: writing checkpoints ({@link dev.jdnn.training.listeners.CheckpointWriter}), stopping when
 * the loss diverges ({@link dev.jdnn.training.listeners.StopOnDivergence}), a per-epoch summary printer, the metrics
 * CSV file, early stopping. The Trainer knows none of them; add them with {@code Trainer.Builder.listener}. (The jdnn
 * command adds its progress bar and plots on top.)
 */
package dev.jdnn.training.listeners;
