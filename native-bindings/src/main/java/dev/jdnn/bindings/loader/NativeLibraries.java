package dev.jdnn.bindings.loader;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The one place that finds and loads the NVIDIA libraries. Generated bindings resolve their symbols through
 * {@link #lazyLookup(Library)}, so nothing is loaded until the first native call, and a missing library surfaces as
 * one {@link NativeLibraryException} that names the library, the version needed and every directory searched.
 */
public final class NativeLibraries {
    /** A library loaded by absolute path, kept so the same file is never loaded twice. */
    private record Loaded(Path path, SymbolLookup lookup) {
    }

    /** Indexed by Library.ordinal(); read without locking because every generated call checks it. */
    private static final AtomicReferenceArray<Loaded> LOADED = new AtomicReferenceArray<>(Library.values().length);
    private static volatile SearchPath searchPath;

    private NativeLibraries() {
    }

    /** The directories searched, computed once per process from the environment. */
    public static SearchPath searchPath() {
        SearchPath p = searchPath;
        if (p == null) {
            synchronized (NativeLibraries.class) {
                if (searchPath == null) searchPath = SearchPath.fromSystem();
                p = searchPath;
            }
        }
        return p;
    }

    /** Where the library is (the loaded file once loaded, else the first candidate on the search path); loads nothing. */
    public static Optional<Path> find(Library library) {
        Loaded loaded = LOADED.get(library.ordinal());
        if (loaded != null) return Optional.of(loaded.path());
        return LibrarySearch.search(library, searchPath()).candidates().stream().findFirst();
    }

    /** Whether the library can be loaded (loading it if it can). */
    public static boolean isAvailable(Library library) {
        try {
            require(library);
            return true;
        } catch (NativeLibraryException e) {
            return false;
        }
    }

    /** The loaded library's symbols; loads it on first use. */
    public static SymbolLookup require(Library library) {
        Loaded loaded = LOADED.get(library.ordinal());
        if (loaded != null) return loaded.lookup();
        synchronized (NativeLibraries.class) { // one loader at a time; a failed search is repeated on the next call
            loaded = LOADED.get(library.ordinal());
            if (loaded == null) {
                loaded = load(library, LibrarySearch.search(library, searchPath()));
                LOADED.set(library.ordinal(), loaded);
            }
            return loaded.lookup();
        }
    }

    /** A lookup that loads the library on its first query (used by the generated header classes). */
    public static SymbolLookup lazyLookup(Library library) {
        return name -> require(library).find(name);
    }

    /** Tries each candidate in order; a file that fails to load is reported with the loader's reason. */
    private static Loaded load(Library library, LibrarySearch.Result result) {
        List<LibrarySearch.Rejected> loadFailures = new ArrayList<>();
        for (Path candidate : result.candidates()) {
            try {
                loadCompanions(library, candidate.getParent());
                return new Loaded(candidate, SymbolLookup.libraryLookup(candidate, Arena.global()));
            } catch (IllegalArgumentException e) {
                loadFailures.add(new LibrarySearch.Rejected(candidate, "failed to load: " + e.getMessage()));
            }
        }
        throw new NativeLibraryException(library, result.failureMessage(loadFailures));
    }

    /**
     * Loads libcublasLt / libnvrtc-builtins from the library's own directory by absolute path, so that the
     * library's own by-soname load of them succeeds even when that directory is not on the loader's path.
     */
    private static void loadCompanions(Library library, Path dir) {
        for (String prefix : library.companionPrefixes()) {
            for (Path companion : companionFiles(dir, prefix)) {
                SymbolLookup.libraryLookup(companion, Arena.global());
            }
        }
    }

    private static List<Path> companionFiles(Path dir, String prefix) {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).sorted().toList();
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

}
