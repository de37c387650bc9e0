package dev.jdnn.training.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class IoErrorsTest {
    @TempDir
    Path dir;

    @Test
    void namesTheReasonAndThePathNotTheExceptionClass() throws Exception {
        Path file = Files.writeString(dir.resolve("afile"), "x");
        IOException under = assertThrows(IOException.class, () -> Files.createDirectories(file.resolve("sub")));
        String r = IoErrors.reason(under);
        assertFalse(r.contains("Exception"), r);
        assertTrue(r.contains(file.toString()), r);
        assertTrue(r.matches("(a file of that name already exists|not a directory|Not a directory) \\(.*\\)"), r);

        assertEquals("no such file or directory (" + dir.resolve("nope") + ")",
                IoErrors.reason(assertThrows(IOException.class, () -> Files.readAllBytes(dir.resolve("nope")))));
        assertEquals("No space left on device (/x)", IoErrors.reason(new FileSystemException("/x", null, "No space left on device")));
        assertEquals("an I/O error (/x)", IoErrors.reason(new FileSystemException("/x")));
        assertEquals("disk on fire", IoErrors.reason(new IOException("disk on fire")));
    }
}
