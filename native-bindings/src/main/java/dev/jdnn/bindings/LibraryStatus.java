package dev.jdnn.bindings;

import java.nio.file.Path;
import java.util.Optional;

/** One line of {@link NativeLibraries#report()}: a library's file and version, or the reason it is unusable. */
public record LibraryStatus(Library library, Optional<Path> path, Optional<String> version, Optional<String> problem) {

    static LibraryStatus of(Library library) {
        try {
            NativeLibraries.require(library);
            Path path = NativeLibraries.find(library).orElseThrow();
            try {
                return new LibraryStatus(library, Optional.of(path), Optional.of(LibraryVersions.of(library)), Optional.empty());
            } catch (RuntimeException e) {
                return new LibraryStatus(library, Optional.of(path), Optional.empty(), Optional.of("loaded, but reading its version failed: " + e.getMessage()));
            }
        } catch (NativeLibraryException e) {
            return new LibraryStatus(library, Optional.empty(), Optional.empty(), Optional.of(e.getMessage()));
        }
    }

    public boolean available() {
        return path.isPresent();
    }

    /** "cuDNN: 9.24.0 at /path" or "cuDNN: not found" followed by the indented search report. */
    @Override
    public String toString() {
        if (path.isPresent()) {
            return library.displayName() + ": " + version.orElse("version unknown") + " at " + path.get()
                    + problem.map(p -> " (" + p + ")").orElse("");
        }
        return library.displayName() + ": not found\n    " + problem.orElse("").replace("\n", "\n    ");
    }
}
