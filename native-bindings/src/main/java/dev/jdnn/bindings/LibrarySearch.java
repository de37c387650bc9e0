package dev.jdnn.bindings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Looks for one library's files along a {@link SearchPath}, without loading anything. */
public final class LibrarySearch {
    /** A file that has the library's name but cannot be used, and why. */
    public record Rejected(Path file, String reason) {
        @Override
        public String toString() {
            return file + ": " + reason;
        }
    }

    /** Everything one search saw: usable candidates in order of preference, rejected files, and where it looked. */
    public record Result(Library library, List<Path> candidates, List<Rejected> rejected, List<SearchPath.Entry> searched) {
        public Result {
            candidates = List.copyOf(candidates);
            rejected = List.copyOf(rejected);
            searched = List.copyOf(searched);
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
        List<Path> candidates = new ArrayList<>();
        List<Rejected> rejected = new ArrayList<>();
        for (SearchPath.Entry entry : path.entries()) {
            for (String soname : library.sonames()) {
                Path file = entry.dir().resolve(soname);
                if (Files.isRegularFile(file)) candidates.add(file);
            }
            rejected.addAll(otherVersions(library, entry.dir()));
        }
        return new Result(library, candidates, rejected, path.entries());
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
