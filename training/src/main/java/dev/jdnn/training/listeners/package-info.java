/**
 * Ready-made {@link dev.jdnn.training.TrainingListener}s for {@link dev.jdnn.training.Trainer}: a per-epoch summary
 * printer, the metrics CSV file, early stopping. (The jdnn command adds its progress bar and plots on top.)
 */
package dev.jdnn.training.listeners;
