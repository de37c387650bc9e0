package dev.jdnn.bindings.loader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The ordered list of directories searched for NVIDIA libraries, each with the reason it is on the list.
 * Order: JDNN_CUDA_PATH, LD_LIBRARY_PATH, CUDA_HOME/CUDA_PATH, /usr/local/cuda*, distro library directories,
 * then pip-installed NVIDIA wheels (site-packages/nvidia/*&#47;lib) of python installs and virtual environments.
 * Built from an explicit environment so tests can point it at temporary directories.
 */
public final class SearchPath {
    /** One directory to look in, and why it was chosen (shown in error messages). */
    public record Entry(Path dir, String origin) {
        @Override
        public String toString() {
            return dir + " (" + origin + ")";
        }
    }

    static final List<String> DISTRO_DIRS = List.of("/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib/wsl/lib", "/usr/local/nvidia/lib64");

    private final List<Entry> entries;

    private SearchPath(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    public List<Entry> entries() {
        return entries;
    }

    /** Exactly these directories, in this order (for tests and for callers that know where the libraries are). */
    public static SearchPath of(List<Entry> entries) {
        return new SearchPath(entries);
    }

    /**
     * The search path for an environment.
     *
     * @param env               environment variables (System.getenv() in production)
     * @param home              the user's home directory
     * @param root              the file-system root that absolute system locations are resolved against ("/" in production)
     * @param pythonSitePackages site-packages directories reported by the python3 on PATH (queried lazily)
     */
    public static SearchPath fromEnvironment(Map<String, String> env, Path home, Path root, Supplier<List<Path>> pythonSitePackages) {
        Map<Path, Entry> ordered = new LinkedHashMap<>(); // first reason wins, later duplicates are dropped
        for (Path p : splitPathList(env.get("JDNN_CUDA_PATH"))) add(ordered, p, "JDNN_CUDA_PATH");
        for (Path p : splitPathList(env.get("LD_LIBRARY_PATH"))) add(ordered, p, "LD_LIBRARY_PATH");
        for (String var : List.of("CUDA_HOME", "CUDA_PATH")) {
            String value = env.get(var);
            if (value == null || value.isBlank()) continue;
            Path base = Path.of(value);
            for (String sub : List.of("lib64", "lib", "targets/x86_64-linux/lib")) add(ordered, base.resolve(sub), var);
        }
        Path usrLocal = root.resolve("usr/local");
        add(ordered, usrLocal.resolve("cuda/lib64"), "default CUDA install");
        for (Path cuda : children(usrLocal, n -> n.startsWith("cuda-"))) add(ordered, cuda.resolve("lib64"), "CUDA toolkit install");
        for (String d : DISTRO_DIRS) add(ordered, root.resolve(d.substring(1)), "distribution library directory");
        for (Path site : sitePackages(env, home, root, pythonSitePackages)) {
            for (Path wheel : children(site.resolve("nvidia"), n -> true)) add(ordered, wheel.resolve("lib"), "pip wheel in " + site);
        }
        return new SearchPath(new ArrayList<>(ordered.values()));
    }

    /** The production search path: this process's environment, home directory and python installs. */
    public static SearchPath fromSystem() {
        return fromEnvironment(System.getenv(), Path.of(System.getProperty("user.home")), Path.of("/"), PythonSitePackages::query);
    }

    private static List<Path> sitePackages(Map<String, String> env, Path home, Path root, Supplier<List<Path>> python) {
        List<Path> sites = new ArrayList<>();
        String venv = env.get("VIRTUAL_ENV");
        if (venv != null && !venv.isBlank()) sites.addAll(pythonLibDirs(Path.of(venv)));
        sites.addAll(python.get());
        sites.addAll(pythonLibDirs(home.resolve(".local")));
        // Virtual environments one or two levels below home and /opt (e.g. ~/venv, ~/proj/.venv, /opt/conda, /opt/pytorch/venv).
        for (Path base : List.of(home, root.resolve("opt"))) {
            for (Path child : children(base, n -> true)) {
                sites.addAll(pythonLibDirs(child));
                for (Path grandChild : children(child, n -> n.equals(".venv") || n.equals("venv") || n.equals("env"))) sites.addAll(pythonLibDirs(grandChild));
            }
        }
        for (String sys : List.of("usr/lib", "usr/local/lib")) {
            for (Path py : children(root.resolve(sys), n -> n.startsWith("python3"))) {
                sites.add(py.resolve("site-packages"));
                sites.add(py.resolve("dist-packages"));
            }
        }
        return sites;
    }

    /** base/lib/python3.X/site-packages for every python3 version present. */
    private static List<Path> pythonLibDirs(Path base) {
        return children(base.resolve("lib"), n -> n.startsWith("python3")).stream().map(p -> p.resolve("site-packages")).toList();
    }

    private static List<Path> splitPathList(String value) {
        if (value == null || value.isBlank()) return List.of();
        return Stream.of(value.split(":")).filter(s -> !s.isBlank()).map(Path::of).toList();
    }

    private static void add(Map<Path, Entry> ordered, Path dir, String origin) {
        Path normal = dir.toAbsolutePath().normalize();
        ordered.putIfAbsent(normal, new Entry(normal, origin));
    }

    /** Sub-directories of dir whose names match, sorted by name for a stable order; empty when dir is unreadable. */
    static List<Path> children(Path dir, Predicate<String> name) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(p -> name.test(p.getFileName().toString())).sorted().toList();
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }
}
