package dev.jdnn.bindings.loader;

/** An NVIDIA library could not be found, was too old, or failed to load. The message says where jdnn looked. */
public final class NativeLibraryException extends RuntimeException {
    private final Library library;

    public NativeLibraryException(Library library, String message) {
        super(message);
        this.library = library;
    }

    public NativeLibraryException(Library library, String message, Throwable cause) {
        super(message, cause);
        this.library = library;
    }

    public Library library() {
        return library;
    }
}
