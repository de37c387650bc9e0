package dev.jdnn.networks.models;

/** What stays trainable when a zoo model is fine-tuned ({@link ZooModel#freeze}); everything else is frozen. */
public enum Trainable {
    /** Everything: nothing is frozen. */
    ALL,
    /** The last stage ({@link ZooModel#lastStage()}) and the classifier heads. */
    LAST_STAGE,
    /** Only the classifier heads ({@link ZooModel#heads()}). */
    HEAD
}
