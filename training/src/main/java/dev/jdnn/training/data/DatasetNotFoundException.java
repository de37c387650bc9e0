package dev.jdnn.training.data;

/** A data set whose files are not where we looked; the message says where that was and how to get them. */
public final class DatasetNotFoundException extends RuntimeException {
    public DatasetNotFoundException(String message) {
        super(message);
    }
}
