package dev.jdnn.ops.cuda;

import dev.jdnn.bindings.loader.Library;
import dev.jdnn.bindings.loader.NativeLibraries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cuDNN macros that jextract cannot bind are copied into {@link Cudnn} by hand; they must equal the values in the
 * cudnn_ops.h installed next to the libcudnn that is loaded (the pip wheel ships lib/ and include/ side by side).
 */
class CudnnMacrosTest {
    private static String header;

    @BeforeAll
    static void readHeader() throws IOException {
        Optional<Path> lib = NativeLibraries.find(Library.CUDNN);
        assumeTrue(lib.isPresent(), "libcudnn not found (" + Library.CUDNN.requirement() + "): macro check skipped");
        Path ops = lib.get().toAbsolutePath().getParent().resolveSibling("include").resolve("cudnn_ops.h");
        assumeTrue(Files.isReadable(ops), "no cudnn_ops.h next to " + lib.get() + " (looked for " + ops + "): macro check skipped");
        header = Files.readString(ops);
    }

    private static double macro(String name) {
        Matcher m = Pattern.compile("#define\\s+" + name + "\\s+([0-9.eE+-]+)").matcher(header);
        assertTrue(m.find(), name + " is not defined in cudnn_ops.h");
        return Double.parseDouble(m.group(1));
    }

    @Test
    void batchNormMinimumEpsilonMatchesTheHeader() {
        assertEquals(macro("CUDNN_BN_MIN_EPSILON"), Cudnn.BN_MIN_EPSILON);
    }

    @Test
    void lrnLimitsMatchTheHeader() {
        assertEquals(macro("CUDNN_LRN_MIN_N"), Cudnn.LRN_MIN_N);
        assertEquals(macro("CUDNN_LRN_MAX_N"), Cudnn.LRN_MAX_N);
        assertEquals(macro("CUDNN_LRN_MIN_K"), Cudnn.LRN_MIN_K);
        assertEquals(macro("CUDNN_LRN_MIN_BETA"), Cudnn.LRN_MIN_BETA);
    }
}
