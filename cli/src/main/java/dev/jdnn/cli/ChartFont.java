package dev.jdnn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Text in charts without the machine's fonts. On Linux, Java2D builds its font configuration from fontconfig; on a
 * server with no fonts (or no fontconfig) the first text it draws — or even {@code Font.createFont} — fails with
 * "Fontconfig head is null", so registering a font is not enough. Java also reads a font configuration file named
 * by the {@code sun.awt.fontconfig} system property instead; this class writes one that maps every logical font to
 * the DejaVu Sans shipped in this jar (its license beside it, {@code fonts/DejaVu-LICENSE.txt}) and points the
 * property at it, before anything is drawn. Charts then look the same on every machine. A property the user set is
 * left alone.
 */
final class ChartFont {
    static final String FONT = "fonts/DejaVuSans.ttf";
    private static boolean installed;

    private ChartFont() {}

    /** Idempotent; must run before the JVM's font system starts (the first chart). */
    static synchronized void install() throws IOException {
        if (installed) return;
        System.setProperty("java.awt.headless", "true");
        if (System.getProperty("sun.awt.fontconfig") == null) {
            Path dir = Files.createTempDirectory("jdnn-font");
            dir.toFile().deleteOnExit(); // deleted last: deleteOnExit runs in reverse order of registration
            Path ttf = dir.resolve("DejaVuSans.ttf"), config = dir.resolve("fontconfig.properties");
            try (InputStream in = ChartFont.class.getResourceAsStream(FONT)) {
                if (in == null) throw new IOException("resource dev/jdnn/cli/" + FONT + " is missing from the jar");
                Files.copy(in, ttf, StandardCopyOption.REPLACE_EXISTING);
            }
            ttf.toFile().deleteOnExit();
            Files.writeString(config, fontConfiguration(ttf));
            config.toFile().deleteOnExit();
            System.setProperty("sun.awt.fontconfig", config.toString());
        }
        installed = true;
    }

    /** A font configuration (Java's fontconfig.properties format) mapping every logical font to one TrueType file. */
    static String fontConfiguration(Path ttf) {
        return "version=1\n"
                + "allfonts.latin-1=DejaVu Sans\n"
                + "sequence.allfonts=latin-1\n"
                + "filename.DejaVu_Sans=" + ttf.toAbsolutePath().toString().replace("\\", "\\\\") + "\n";
    }
}
