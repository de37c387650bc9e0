package dev.jdnn.bindings;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.LibrarySearch;
import dev.jdnn.bindings.loader.NativeLibraries;
import dev.jdnn.bindings.loader.NativeLibraryException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One line of {@link #report()}: a library's file and version, or the reason it is unusable, and every
 * build the search found with why the one used was chosen.
 */
public record LibraryStatus(Library library, Optional<Path> path, Optional<String> version, Optional<String> problem,
                            List<LibrarySearch.Candidate> found, String preference) {
    public LibraryStatus {
        found = List.copyOf(found);
    }

    /**
     * Each library: where it is and its version, or why it is unusable. Loads what it can. It lives here, above the
     * loader, because reading a version calls the generated bindings, which themselves load through the loader.
     */
    public static List<LibraryStatus> report() {
        List<LibraryStatus> out = new ArrayList<>();
        for (Library library : Library.values()) out.add(of(library));
        return out;
    }

    static LibraryStatus of(Library library) {
        LibrarySearch.Result search = LibrarySearch.search(library, NativeLibraries.searchPath());
        try {
            NativeLibraries.require(library);
            Path path = NativeLibraries.find(library).orElseThrow();
            try {
                return new LibraryStatus(library, Optional.of(path), Optional.of(LibraryVersions.of(library)), Optional.empty(), search.found(), search.preference());
            } catch (RuntimeException e) {
                return new LibraryStatus(library, Optional.of(path), Optional.empty(), Optional.of("loaded, but reading its version failed: " + e.getMessage()),
                        search.found(), search.preference());
            }
        } catch (NativeLibraryException e) {
            return new LibraryStatus(library, Optional.empty(), Optional.empty(), Optional.of(e.getMessage()), search.found(), search.preference());
        }
    }

    public boolean available() {
        return path.isPresent();
    }

    /**
     * "cuDNN: 9.24.0 at /path" or "cuDNN: not found" followed by the indented search report; when the search found more
     * than one build, an indented line per build, the one used marked.
     */
    @Override
    public String toString() {
        if (path.isEmpty()) return library.displayName() + ": not found\n    " + problem.orElse("").replace("\n", "\n    ");
        StringBuilder sb = new StringBuilder(library.displayName() + ": " + version.orElse("version unknown") + " at " + path.get()
                + problem.map(p -> " (" + p + ")").orElse(""));
        if (found.size() > 1) {
            sb.append("\n    ").append(found.size()).append(" builds found; used: ").append(preference);
            for (LibrarySearch.Candidate c : found) sb.append("\n    ").append(c.file().equals(path.get()) ? "* " : "  ").append(c.describe());
        }
        return sb.toString();
    }
}
