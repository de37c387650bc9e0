package dev.jdnn.bindings.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A library file's version as the files around it tell, without loading it (two builds of one library cannot both be
 * loaded to ask them): the full version in the file name the soname points to ({@code libcudnn.so.9 ->
 * libcudnn.so.9.14.0}, as distribution packages install it) or of a sibling file; for cuDNN also
 * {@code ../include/cudnn_version.h} (tarballs, pip wheels) and a pip wheel's {@code nvidia_cudnn_cu*-<version>.dist-info}.
 *
 * @param parts  the numbers, most significant first (9, 14, 0)
 * @param source where it was read, for reports
 */
public record InstalledVersion(List<Integer> parts, String source) implements Comparable<InstalledVersion> {
    private static final Pattern NUMBERS = Pattern.compile("\\d+(\\.\\d+)*");

    public InstalledVersion {
        parts = List.copyOf(parts);
        if (parts.isEmpty()) throw new IllegalArgumentException("a version needs at least one number");
    }

    /** "9.14.0" (or "9.19.0.56" from wheel metadata) into numbers; empty when it is not dotted numbers. */
    static Optional<List<Integer>> parse(String dotted) {
        if (!NUMBERS.matcher(dotted).matches()) return Optional.empty();
        List<Integer> out = new ArrayList<>();
        try {
            for (String p : dotted.split("\\.")) out.add(Integer.parseInt(p));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(out);
    }

    /** What the files around {@code file} (one of {@code library}'s sonames) say its version is. */
    public static Optional<InstalledVersion> of(Library library, Path file) {
        Optional<InstalledVersion> v = fromFileNames(library, file);
        if (v.isPresent() || library != Library.CUDNN) return v;
        v = fromCudnnHeader(file.getParent());
        return v.isPresent() ? v : fromWheelMetadata(file.getParent(), "nvidia_cudnn_cu");
    }

    /** The suffix after the soname: of the file it resolves to, else of the longest sibling {@code <soname>.X.Y}. */
    private static Optional<InstalledVersion> fromFileNames(Library library, Path file) {
        String soname = file.getFileName().toString();
        try {
            String real = file.toRealPath().getFileName().toString();
            Optional<List<Integer>> v = suffixVersion(real, library.sonamePrefix());
            if (v.isPresent() && v.get().size() > 1) return Optional.of(new InstalledVersion(v.get(), "file name " + real));
        } catch (IOException | SecurityException e) {
            // a dangling link: the siblings may still tell
        }
        try (Stream<Path> siblings = Files.list(file.getParent())) {
            return siblings.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(soname + ".")).sorted()
                    .flatMap(n -> suffixVersion(n, library.sonamePrefix()).map(v -> new InstalledVersion(v, "file name " + n)).stream())
                    .max(InstalledVersion::compareTo);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static Optional<List<Integer>> suffixVersion(String name, String prefix) {
        return name.startsWith(prefix) ? parse(name.substring(prefix.length())) : Optional.empty();
    }

    private static Optional<InstalledVersion> fromCudnnHeader(Path libDir) {
        Path header = libDir.resolveSibling("include").resolve("cudnn_version.h");
        if (!Files.isRegularFile(header)) return Optional.empty();
        try {
            String text = Files.readString(header);
            List<Integer> parts = new ArrayList<>();
            for (String name : List.of("CUDNN_MAJOR", "CUDNN_MINOR", "CUDNN_PATCHLEVEL")) {
                Matcher m = Pattern.compile("#define\\s+" + name + "\\s+(\\d+)").matcher(text);
                if (!m.find()) return Optional.empty();
                parts.add(Integer.parseInt(m.group(1)));
            }
            return Optional.of(new InstalledVersion(parts, header.toString()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code <site>/<distPrefix>*-<version>.dist-info} for a wheel's {@code <site>/nvidia/<name>/lib}. */
    private static Optional<InstalledVersion> fromWheelMetadata(Path libDir, String distPrefix) {
        Path nvidia = libDir.getParent() == null ? null : libDir.getParent().getParent();
        if (nvidia == null || !nvidia.getFileName().toString().equals("nvidia") || nvidia.getParent() == null) return Optional.empty();
        try (Stream<Path> entries = Files.list(nvidia.getParent())) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(distPrefix) && n.endsWith(".dist-info") && n.contains("-"))
                    .flatMap(n -> parse(n.substring(n.indexOf('-') + 1, n.length() - ".dist-info".length()))
                            .map(v -> new InstalledVersion(v, "wheel " + n)).stream())
                    .max(InstalledVersion::compareTo);
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    @Override
    public int compareTo(InstalledVersion o) {
        for (int i = 0; i < Math.max(parts.size(), o.parts.size()); i++) {
            int a = i < parts.size() ? parts.get(i) : 0, b = i < o.parts.size() ? o.parts.get(i) : 0;
            if (a != b) return Integer.compare(a, b);
        }
        return 0;
    }

    @Override
    public String toString() {
        return String.join(".", parts.stream().map(String::valueOf).toList());
    }
}
