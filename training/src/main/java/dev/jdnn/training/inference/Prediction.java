package dev.jdnn.training.inference;

/**
 * One class of a top-k prediction.
 *
 * @param index       the class index (the model's output position)
 * @param name        its name ("class 7" when no names are known)
 * @param probability its softmax probability
 */
public record Prediction(int index, String name, double probability) {
    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s (%d): %.2f%%", name, index, 100 * probability);
    }
}
