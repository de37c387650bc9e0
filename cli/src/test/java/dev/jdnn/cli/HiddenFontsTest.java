package dev.jdnn.cli;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The CLI on a machine with no fonts and no fontconfig, for real: a child JVM in a private mount namespace
 * ({@code unshare -m}, root) where empty tmpfs mounts hide every font and fontconfig directory and /dev/null hides the
 * fontconfig library, as on the first GPU server, where training died after epoch 1 with "Fontconfig head is null".
 * First a probe shows that plain Java2D text fails there (so the hiding works and the test cannot pass vacuously),
 * then a two-epoch training run must finish, draw curves.png with text, and list it. Skips, with the reason, where
 * a private mount namespace is not permitted (not root, no unshare, a container without CAP_SYS_ADMIN).
 */
class HiddenFontsTest {
    private static final List<String> HIDDEN_DIRS = List.of("/usr/share/fonts", "/usr/local/share/fonts", "/etc/fonts",
            "/usr/share/fontconfig", "/var/cache/fontconfig", System.getProperty("user.home") + "/.fonts",
            System.getProperty("user.home") + "/.local/share/fonts", System.getProperty("user.home") + "/.cache/fontconfig");

    @TempDir
    Path dir;

    @BeforeAll
    static void requirePrivateMountNamespace() throws Exception {
        assumeTrue(System.getProperty("os.name").startsWith("Linux"), "needs Linux mount namespaces");
        ProcessResult r = run(List.of("unshare", "-m", "--propagation", "private", "sh", "-c", "mount -t tmpfs none /mnt && echo ok"));
        assumeTrue(r.exit() == 0 && r.output().contains("ok"), () -> "a private mount namespace is not permitted here (unshare -m: exit "
                + r.exit() + ", " + r.output().strip() + "): the hidden-fonts test is not run");
    }

    /** The shell script that hides fonts and fontconfig, then execs the command. */
    private static String hideFontsThen(List<String> command) {
        StringBuilder sh = new StringBuilder("set -e\n");
        for (String d : HIDDEN_DIRS) sh.append("if [ -d '").append(d).append("' ]; then mount -t tmpfs none '").append(d).append("'; fi\n");
        sh.append("for l in /lib/*/libfontconfig.so* /usr/lib/*/libfontconfig.so* /usr/lib64/libfontconfig.so*; do\n")
          .append("  [ -f \"$l\" ] && [ ! -L \"$l\" ] && mount --bind /dev/null \"$l\"\n")
          .append("done\n");
        sh.append("exec");
        for (String c : command) sh.append(" '").append(c.replace("'", "'\\''")).append("'");
        return sh.append('\n').toString();
    }

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static List<String> inHiddenNamespace(List<String> command) {
        return List.of("unshare", "-m", "--propagation", "private", "sh", "-c", hideFontsThen(command));
    }

    @Test
    void trainingDrawsItsCurvesWithoutAnyFontOnTheMachine() throws Exception {
        ProcessResult probe = run(inHiddenNamespace(java(HiddenFontsProbe.class.getName())));
        assertTrue(probe.output().contains("Fontconfig head is null") || probe.output().contains("PROBE FAILED"),
                "plain Java2D text should fail with the fonts hidden, or the test proves nothing:\n" + probe.output());

        Path data = SyntheticMnist.write(dir.resolve("mnist"), 64, 30);
        Path out = dir.resolve("run");
        ProcessResult train = run(inHiddenNamespace(java(Main.class.getName(), "train", "--model", "lenet5", "--data", "mnist",
                "--data-dir", data.toString(), "--epochs", "2", "--batch-size", "16", "--limit", "64", "--test-limit", "30",
                "--device", "cpu", "--workers", "1", "--out", out.toString())));
        assertEquals(0, train.exit(), train.output());
        assertTrue(train.output().contains("epoch 2/2: train loss"), train.output());
        assertFalse(train.output().contains("not drawn"), train.output());
        assertTrue(train.output().contains("curves.png"), "the final line lists curves.png: " + train.output());
        BufferedImage png = ImageIO.read(out.resolve("curves.png").toFile());
        assertEquals(1120, png.getWidth());
        assertTrue(darkPixels(png) > 500, "the charts carry text and lines, not a blank image");
    }

    private static int darkPixels(BufferedImage img) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                if (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff) < 150) n++;
            }
        }
        return n;
    }

    record ProcessResult(int exit, String output) {}

    private static ProcessResult run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new ProcessResult(-1, e.toString());
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            return new ProcessResult(-2, "timed out:\n" + output);
        }
        return new ProcessResult(p.exitValue(), output);
    }
}
