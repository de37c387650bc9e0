package dev.jdnn.bindings.loader;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Search order and messages, with empty files named like the real sonames (nothing is loaded). */
class SearchPathTest {
    @TempDir
    Path root;

    private Path dir(String relative) throws IOException {
        return Files.createDirectories(root.resolve(relative));
    }

    private static void touch(Path dir, String name) throws IOException {
        Files.createFile(dir.resolve(name));
    }

    private SearchPath fakeSystem(Path home, Map<String, String> env, List<Path> pythonSites) {
        return SearchPath.fromEnvironment(env, home, root, () -> pythonSites);
    }

    @Test
    void directoriesComeInTheDocumentedOrder() throws IOException {
        Path user1 = dir("user1"), user2 = dir("user2"), ld = dir("ld");
        Path cudaHome = dir("toolkit");
        Path cuda124 = dir("usr/local/cuda-12.4/lib64");
        Path distro = dir("usr/lib/x86_64-linux-gnu");
        Path home = dir("home/me");
        Path pythonSite = dir("py/site-packages");
        Path pyWheel = dir("py/site-packages/nvidia/cudnn/lib");
        Path userWheel = dir("home/me/.local/lib/python3.11/site-packages/nvidia/cu13/lib");
        Path optWheel = dir("opt/torch/lib/python3.12/site-packages/nvidia/cublas/lib");
        Path homeVenvWheel = dir("home/me/project/.venv/lib/python3.12/site-packages/nvidia/cuda_nvrtc/lib");

        SearchPath path = fakeSystem(home, Map.of(
                "JDNN_CUDA_PATH", user1 + ":" + user2,
                "LD_LIBRARY_PATH", ld.toString(),
                "CUDA_HOME", cudaHome.toString()), List.of(pythonSite));
        List<Path> dirs = path.entries().stream().map(SearchPath.Entry::dir).toList();

        List<Path> expectedOrder = List.of(user1, user2, ld, cudaHome.resolve("lib64"), cudaHome.resolve("targets/x86_64-linux/lib"),
                cuda124, distro, pyWheel, userWheel, homeVenvWheel, optWheel);
        int previous = -1;
        for (Path expected : expectedOrder) {
            int index = dirs.indexOf(expected);
            assertTrue(index > previous, expected + " should come after the previous expected entry in " + dirs);
            previous = index;
        }
        assertEquals("JDNN_CUDA_PATH", path.entries().getFirst().origin());
    }

    @Test
    void earlierDirectoryWinsAndOldVersionsAreRejectedWithReason() throws IOException {
        Path user = dir("user"), ld = dir("ld");
        Path wheel = dir("home/me/.local/lib/python3.11/site-packages/nvidia/cudnn/lib");
        touch(user, "libcudnn.so.8");
        touch(ld, "libcudnn.so.9");
        touch(wheel, "libcudnn.so.9");
        SearchPath path = fakeSystem(root.resolve("home/me"), Map.of("JDNN_CUDA_PATH", user.toString(), "LD_LIBRARY_PATH", ld.toString()), List.of());

        LibrarySearch.Result result = LibrarySearch.search(Library.CUDNN, path);

        assertEquals(List.of(ld.resolve("libcudnn.so.9"), wheel.resolve("libcudnn.so.9")), result.candidates());
        assertEquals(1, result.rejected().size());
        assertEquals(user.resolve("libcudnn.so.8"), result.rejected().getFirst().file());
        assertTrue(result.rejected().getFirst().reason().contains("too old"), result.rejected().getFirst().reason());
    }

    @Test
    void newestAcceptedSonameIsPreferredWithinADirectory() throws IOException {
        Path ld = dir("ld");
        touch(ld, "libcublas.so.12");
        touch(ld, "libcublas.so.13");
        SearchPath path = SearchPath.of(List.of(new SearchPath.Entry(ld, "test")));
        assertEquals(List.of(ld.resolve("libcublas.so.13"), ld.resolve("libcublas.so.12")), LibrarySearch.search(Library.CUBLAS, path).candidates());
    }

    @Test
    void nothingPresentMessageNamesLibraryVersionAndEveryPlace() throws IOException {
        Path a = dir("a");
        Path missing = root.resolve("not-there");
        SearchPath path = SearchPath.of(List.of(new SearchPath.Entry(a, "JDNN_CUDA_PATH"), new SearchPath.Entry(missing, "LD_LIBRARY_PATH")));

        LibrarySearch.Result result = LibrarySearch.search(Library.CUDNN, path);
        String message = result.failureMessage(List.of());

        assertTrue(result.candidates().isEmpty());
        assertTrue(message.startsWith("cuDNN library not found"), message);
        assertTrue(message.contains("libcudnn.so.9"), message);
        assertTrue(message.contains("major version 9"), message);
        assertTrue(message.contains(a + " (JDNN_CUDA_PATH)"), message);
        assertTrue(message.contains(missing + " (LD_LIBRARY_PATH) [does not exist]"), message);
        assertTrue(message.contains("JDNN_CUDA_PATH"), message);
    }

    @Test
    void loadFailuresAreListedAsRejected() throws IOException {
        Path a = dir("a");
        touch(a, "libnvrtc.so.13"); // an empty file: found, but the loader would refuse it
        LibrarySearch.Result result = LibrarySearch.search(Library.NVRTC, SearchPath.of(List.of(new SearchPath.Entry(a, "test"))));
        String message = result.failureMessage(List.of(new LibrarySearch.Rejected(a.resolve("libnvrtc.so.13"), "failed to load: file too short")));
        assertTrue(message.contains("Found but rejected:\n  " + a.resolve("libnvrtc.so.13") + ": failed to load: file too short"), message);
    }
}
