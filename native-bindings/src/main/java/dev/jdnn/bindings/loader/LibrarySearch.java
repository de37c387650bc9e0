package dev.jdnn.bindings.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Looks for one library's files along a {@link SearchPath}, without loading anything. Candidates come in search-path
 * order, except for cuDNN ({@link Library#prefersNewest()}): several builds are often installed side by side (a
 * system package and the one beside PyTorch), so the newest by {@link InstalledVersion} is preferred, unknown versions
 * last — but files in {@code JDNN_CUDA_PATH} stay first, in the order given: that variable is an explicit override.
 */
public final class LibrarySearch {
    /** The origin of search-path entries that override any preference. */
    public static final String OVERRIDE = "JDNN_CUDA_PATH";

    /** A usable file: where, which search-path entry found it, and its version as the files around it tell. */
    public record Candidate(Path file, SearchPath.Entry entry, Optional<InstalledVersion> version) {
        /** "9.14.0 at /usr/lib/x86_64-linux-gnu/libcudnn.so.9 (distribution library directory)". */
        public String describe() {
            return version.map(InstalledVersion::toString).orElse("version unknown") + " at " + file + " (" + entry.origin() + ")";
        }
    }

    /** A file that has the library's name but cannot be used, and why. */
    public record Rejected(Path file, String reason) {
        @Override
        public String toString() {
            return file + ": " + reason;
        }
    }

    /** Everything one search saw: usable candidates in order of preference, rejected files, and where it looked. */
    public record Result(Library library, List<Candidate> found, List<Rejected> rejected, List<SearchPath.Entry> searched) {
        public Result {
            found = List.copyOf(found);
            rejected = List.copyOf(rejected);
            searched = List.copyOf(searched);
        }

        /** The candidate files, in order of preference. */
        public List<Path> candidates() {
            return found.stream().map(Candidate::file).toList();
        }

        /** Why the first candidate comes first, for reports. */
        public String preference() {
            if (found.isEmpty()) return "none found";
            if (found.getFirst().entry().origin().equals(OVERRIDE)) return "from " + OVERRIDE + ", which overrides the search";
            if (found.size() == 1) return "the only one found";
            return library.prefersNewest() ? "the newest of " + found.size() + " found" : "the first of " + found.size() + " on the search path";
        }

        /** The message for a library that could not be used (none found, or every candidate rejected). */
        public String failureMessage(List<Rejected> loadFailures) {
            StringBuilder sb = new StringBuilder();
            sb.append(library.displayName()).append(" library not found: need ").append(library.requirement()).append('.');
            List<Rejected> allRejected = Stream.concat(rejected.stream(), loadFailures.stream()).toList();
            if (!allRejected.isEmpty()) {
                sb.append("\nFound but rejected:");
                for (Rejected r : allRejected) sb.append("\n  ").append(r);
            }
            sb.append("\nSearched, in order:");
            if (searched.isEmpty()) sb.append("\n  (no directories)");
            for (SearchPath.Entry e : searched) sb.append("\n  ").append(e).append(Files.isDirectory(e.dir()) ? "" : " [does not exist]");
            sb.append('\n').append(library.installHint());
            return sb.toString();
        }
    }

    private LibrarySearch() {
    }

    public static Result search(Library library, SearchPath path) {
        List<Candidate> found = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (SearchPath.Entry entry : path.entries()) {
            for (String soname : library.sonames()) {
                Path file = entry.dir().resolve(soname);
                if (Files.isRegularFile(file)) found.add(new Candidate(file, entry, InstalledVersion.of(library, file)));
            }
            rejected.addAll(otherVersions(library, entry.dir()));
        }
        return new Result(library, library.prefersNewest() ? newestFirst(found) : found, rejected, path.entries());
    }

    /** JDNN_CUDA_PATH's files first as given, then the rest newest first, unknown versions last (stable otherwise). */
    static List<Candidate> newestFirst(List<Candidate> found) {
        Comparator<Candidate> newest = Comparator.comparing((Candidate c) -> c.version().isEmpty())
                .thenComparing(c -> c.version().orElse(null), Comparator.nullsLast(Comparator.reverseOrder()));
        List<Candidate> out = new ArrayList<>(found.stream().filter(c -> c.entry().origin().equals(OVERRIDE)).toList());
        out.addAll(found.stream().filter(c -> !c.entry().origin().equals(OVERRIDE)).sorted(newest).toList());
        return out;
    }

    /** Files like libcudnn.so.8 beside the accepted names: reported so a user sees why an install was not used. */
    private static List<Rejected> otherVersions(Library library, Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> {
                        String n = f.getFileName().toString();
                        return n.startsWith(library.sonamePrefix()) && n.substring(library.sonamePrefix().length()).matches("\\d+")
                                && !library.sonames().contains(n);
                    })
                    .sorted()
                    .map(f -> new Rejected(f, reasonFor(library, f)))
                    .collect(Collectors.toList());
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    private static String reasonFor(Library library, Path file) {
        int major = Integer.parseInt(file.getFileName().toString().substring(library.sonamePrefix().length()));
        return major < library.minimumMajor()
                ? "major version " + major + " is too old (need " + library.requirement() + ")"
                : "major version " + major + " is not one jdnn was built against (" + library.requirement() + ")";
    }
}
