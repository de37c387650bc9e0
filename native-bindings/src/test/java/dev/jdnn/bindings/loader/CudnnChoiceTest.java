package dev.jdnn.bindings.loader;

import dev.jdnn.bindings.LibraryStatus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Which cuDNN build is used when several are installed, with fake installs laid out as on the first GPU machine
 * (cuDNN 9.14 from the distribution's package in /usr/lib/x86_64-linux-gnu, 9.19 in PyTorch's venv under /opt);
 * nothing is loaded.
 */
class CudnnChoiceTest {
    @TempDir
    Path root;

    private Path dir(String relative) throws IOException {
        return Files.createDirectories(root.resolve(relative));
    }

    /** A distribution package: the soname a link to the fully versioned file. */
    private Path systemCudnn(String version) throws IOException {
        Path lib = dir("usr/lib/x86_64-linux-gnu");
        Files.createFile(lib.resolve("libcudnn.so." + version));
        Files.createSymbolicLink(lib.resolve("libcudnn.so.9"), Path.of("libcudnn.so." + version));
        return lib.resolve("libcudnn.so.9");
    }

    /** A pip wheel: nvidia/cudnn/lib/libcudnn.so.9, its headers in nvidia/cudnn/include, optionally its dist-info. */
    private Path wheelCudnn(String site, int major, int minor, int patch, boolean header, String distInfoVersion) throws IOException {
        Path lib = dir(site + "/nvidia/cudnn/lib");
        Files.createFile(lib.resolve("libcudnn.so.9"));
        if (header) {
            Path include = dir(site + "/nvidia/cudnn/include");
            Files.writeString(include.resolve("cudnn_version.h"), "#ifndef CUDNN_VERSION_H_\n#define CUDNN_MAJOR " + major + "\n#define CUDNN_MINOR "
                    + minor + "\n#define CUDNN_PATCHLEVEL " + patch + "\n#define CUDNN_VERSION (CUDNN_MAJOR * 10000 + CUDNN_MINOR * 100 + CUDNN_PATCHLEVEL)\n#endif\n");
        }
        if (distInfoVersion != null) dir(site + "/nvidia_cudnn_cu13-" + distInfoVersion + ".dist-info");
        return lib.resolve("libcudnn.so.9");
    }

    private SearchPath system(Map<String, String> env) {
        return SearchPath.fromEnvironment(env, root.resolve("home/me"), root, List::of);
    }

    @Test
    void theNewestBuildWinsOverSearchOrder() throws IOException {
        Path system = systemCudnn("9.14.0");
        Path venv = wheelCudnn("opt/torch/.venv/lib/python3.12/site-packages", 9, 19, 0, true, null);
        LibrarySearch.Result r = LibrarySearch.search(Library.CUDNN, system(Map.of()));
        assertEquals(List.of(venv, system), r.candidates(), "9.19 from the venv before 9.14 from the system directory");
        assertEquals("the newest of 2 found", r.preference());
        assertEquals("9.19.0", r.found().get(0).version().orElseThrow().toString());
        assertEquals("9.14.0", r.found().get(1).version().orElseThrow().toString());
        assertTrue(r.found().get(1).describe().startsWith("9.14.0 at " + system + " (distribution library directory)"), r.found().get(1).describe());
    }

    @Test
    void wheelMetadataGivesTheVersionWhenTheHeadersAreMissing() throws IOException {
        Path system = systemCudnn("9.19.1");
        Path wheel = wheelCudnn("home/me/.local/lib/python3.11/site-packages", 0, 0, 0, false, "9.24.0.43");
        LibrarySearch.Result r = LibrarySearch.search(Library.CUDNN, system(Map.of()));
        assertEquals(List.of(wheel, system), r.candidates());
        assertEquals(List.of(9, 24, 0, 43), r.found().getFirst().version().orElseThrow().parts());
        assertTrue(r.found().getFirst().version().orElseThrow().source().contains("nvidia_cudnn_cu13-9.24.0.43.dist-info"));
    }

    @Test
    void jdnnCudaPathOverridesEvenWithAnOlderBuild() throws IOException {
        Path system = systemCudnn("9.14.0");
        Path venv = wheelCudnn("opt/torch/.venv/lib/python3.12/site-packages", 9, 19, 0, true, null);
        Path mine = dir("mine");
        Files.createFile(mine.resolve("libcudnn.so.9.2.1"));
        Files.createSymbolicLink(mine.resolve("libcudnn.so.9"), Path.of("libcudnn.so.9.2.1"));
        LibrarySearch.Result r = LibrarySearch.search(Library.CUDNN, system(Map.of("JDNN_CUDA_PATH", mine.toString())));
        assertEquals(List.of(mine.resolve("libcudnn.so.9"), venv, system), r.candidates());
        assertEquals("from JDNN_CUDA_PATH, which overrides the search", r.preference());
    }

    @Test
    void anUnknownVersionComesAfterKnownOnes() throws IOException {
        Path bare = dir("ld");
        Files.createFile(bare.resolve("libcudnn.so.9"));
        Path system = systemCudnn("9.1.0");
        LibrarySearch.Result r = LibrarySearch.search(Library.CUDNN, system(Map.of("LD_LIBRARY_PATH", bare.toString())));
        assertEquals(List.of(system, bare.resolve("libcudnn.so.9")), r.candidates());
        assertEquals(Optional.empty(), r.found().get(1).version());
        assertTrue(r.found().get(1).describe().startsWith("version unknown at "));
    }

    @Test
    void otherLibrariesKeepTheSearchOrder() throws IOException {
        Path ld = dir("ld"), distro = dir("usr/lib/x86_64-linux-gnu");
        Files.createFile(ld.resolve("libcublas.so.13.0.0"));
        Files.createSymbolicLink(ld.resolve("libcublas.so.13"), Path.of("libcublas.so.13.0.0"));
        Files.createFile(distro.resolve("libcublas.so.13.1.1"));
        Files.createSymbolicLink(distro.resolve("libcublas.so.13"), Path.of("libcublas.so.13.1.1"));
        LibrarySearch.Result r = LibrarySearch.search(Library.CUBLAS, system(Map.of("LD_LIBRARY_PATH", ld.toString())));
        assertEquals(List.of(ld.resolve("libcublas.so.13"), distro.resolve("libcublas.so.13")), r.candidates());
        assertEquals("13.0.0", r.found().getFirst().version().orElseThrow().toString(), "versions are still read, for the report");
        assertEquals("the first of 2 on the search path", r.preference());
    }

    @Test
    void versionsCompareNumerically() {
        InstalledVersion v9_14 = new InstalledVersion(List.of(9, 14, 0), "t"), v9_2 = new InstalledVersion(List.of(9, 2, 1), "t");
        assertTrue(v9_14.compareTo(v9_2) > 0, "9.14 is newer than 9.2 (not a string comparison)");
        assertEquals(0, new InstalledVersion(List.of(9, 19), "t").compareTo(new InstalledVersion(List.of(9, 19, 0), "t")));
        assertEquals(Optional.empty(), InstalledVersion.parse("9.x"));
        assertEquals(Optional.of(List.of(9, 19, 0, 56)), InstalledVersion.parse("9.19.0.56"));
    }

    @Test
    void theReportListsEveryBuildAndMarksTheOneUsed() throws IOException {
        Path system = systemCudnn("9.14.0");
        Path venv = wheelCudnn("opt/torch/.venv/lib/python3.12/site-packages", 9, 19, 0, true, null);
        LibrarySearch.Result r = LibrarySearch.search(Library.CUDNN, system(Map.of()));
        LibraryStatus status = new LibraryStatus(Library.CUDNN, Optional.of(venv), Optional.of("9.19.0"), Optional.empty(), r.found(), r.preference());
        String text = status.toString();
        assertTrue(text.startsWith("cuDNN: 9.19.0 at " + venv + "\n    2 builds found; used: the newest of 2 found"), text);
        assertTrue(text.contains("\n    * 9.19.0 at " + venv), text);
        assertTrue(text.contains("\n      9.14.0 at " + system + " (distribution library directory)"), text);
    }
}
