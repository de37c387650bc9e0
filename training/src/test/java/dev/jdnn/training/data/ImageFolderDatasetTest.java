package dev.jdnn.training.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ImageFolderDatasetTest {
    @TempDir
    Path dir;

    private static BufferedImage solid(int w, int h, int rgb) {
        BufferedImage im = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) im.setRGB(x, y, rgb);
        return im;
    }

    private Path png(String cls, String name, BufferedImage im) throws Exception {
        Path f = dir.resolve(cls).resolve(name);
        Files.createDirectories(f.getParent());
        ImageIO.write(im, "png", f.toFile());
        return f;
    }

    @Test
    void classesSortedByNameAndImagesResizedAndCentreCropped() throws Exception {
        png("zebra", "1.png", solid(10, 6, 0x336699));
        png("apple", "b.png", solid(6, 6, 0xFF0000));
        png("apple", "a.png", solid(8, 8, 0x00FF00));
        Files.writeString(dir.resolve("apple").resolve("notes.txt"), "ignored");
        ImageFolderDataset ds = new ImageFolderDataset(dir, 8, 4);
        assertEquals(List.of("apple", "zebra"), ds.classNames());
        assertEquals(3, ds.size());
        assertEquals("a.png", ds.file(0).getFileName().toString());
        assertEquals(1, ds.label(2));
        float[] chw = ds.sample(2).chw();
        assertEquals(3 * 16, chw.length);
        for (int k = 0; k < 16; k++) {
            assertEquals(0x33 / 255f, chw[k], 1e-6);
            assertEquals(0x66 / 255f, chw[16 + k], 1e-6);
            assertEquals(0x99 / 255f, chw[32 + k], 1e-6);
        }
    }

    @Test
    void centreCropOfATwoToneImageKeepsTheMiddle() throws Exception {
        // 12 wide, 4 high: left third black, middle white, right third black; shorter side 4 → crop the middle 4×4
        BufferedImage im = solid(12, 4, 0);
        for (int y = 0; y < 4; y++) for (int x = 4; x < 8; x++) im.setRGB(x, y, 0xFFFFFF);
        float[] chw = new float[3 * 16];
        new ImageCrop.Centre(4, 4).apply(FloatImage.of(im), null, chw);
        for (float v : chw) assertEquals(1f, v, 1e-6);
    }

    /**
     * The fix for RandomResizedCrop on image folders: it cuts from the whole decoded image, not from the centre crop
     * the evaluation view keeps. A 64×16 image, white in its outer quarters and black in the middle: the centre
     * 16×16 is all black, yet random crops of it (scale up to 1 of the whole image) show white.
     */
    @Test
    void randomResizedCropsDrawFromTheWholeImage() throws Exception {
        BufferedImage im = solid(64, 16, 0);
        for (int y = 0; y < 16; y++) for (int x = 0; x < 64; x++) if (x < 16 || x >= 48) im.setRGB(x, y, 0xFFFFFF);
        png("a", "wide.png", im);
        float[] centre = new ImageFolderDataset(dir, 16, 16).sample(0).chw();
        for (float v : centre) assertEquals(0f, v, 1e-6);
        ImageFolderDataset random = new ImageFolderDataset(dir, ImageCrop.RandomResized.standard(16));
        double whiteSeen = 0;
        float[] a = new float[3 * 256], b = new float[3 * 256];
        for (int seed = 0; seed < 20; seed++) {
            random.read(0, a, new java.util.SplittableRandom(seed));
            random.read(0, b, new java.util.SplittableRandom(seed));
            assertArrayEquals(a, b, "the same generator gives the same crop");
            for (float v : a) whiteSeen = Math.max(whiteSeen, v);
        }
        assertEquals(1.0, whiteSeen, 1e-6);
    }

    @Test
    void truncatedPngNamesTheFile() throws Exception {
        Path good = png("a", "x.png", solid(16, 16, 0x123456));
        byte[] bytes = Files.readAllBytes(good);
        Files.write(good, Arrays.copyOf(bytes, bytes.length / 2));
        ImageFolderDataset ds = new ImageFolderDataset(dir, 16, 16);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ds.sample(0));
        assertTrue(e.getMessage().contains(good.toString()), e.getMessage());
        assertTrue(e.offset() >= 0 && e.offset() <= bytes.length / 2, "offset " + e.offset());
    }

    @Test
    void notAnImageAtAll() throws Exception {
        Path f = dir.resolve("a").resolve("fake.jpg");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "this is text");
        DataFormatException e = assertThrows(DataFormatException.class, () -> new ImageFolderDataset(dir, 8, 8).sample(0));
        assertEquals(0, e.offset());
        assertTrue(e.getMessage().contains("fake.jpg"));
    }

    @Test
    void emptyFolderIsAClearError() throws Exception {
        Files.createDirectories(dir.resolve("empty_class"));
        var e = assertThrows(DatasetNotFoundException.class, () -> new ImageFolderDataset(dir, 8, 8));
        assertTrue(e.getMessage().contains("empty_class"), e.getMessage());
    }

    /** A PNG whose header says w×h but whose pixel data is a few bytes: only a header reader can size it up cheaply. */
    static byte[] pngHeaderOnly(int w, int h) {
        java.nio.ByteBuffer ihdr = java.nio.ByteBuffer.allocate(13).putInt(w).putInt(h).put(new byte[]{8, 0, 0, 0, 0});
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        for (var chunk : List.of(java.util.Map.entry("IHDR", ihdr.array()), java.util.Map.entry("IDAT", new byte[]{0x78, (byte) 0x9c, 3, 0}),
                java.util.Map.entry("IEND", new byte[0]))) {
            byte[] type = chunk.getKey().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(type);
            crc.update(chunk.getValue());
            out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(chunk.getValue().length).array());
            out.writeBytes(type);
            out.writeBytes(chunk.getValue());
            out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
        }
        return out.toByteArray();
    }

    @Test
    void imagesOverThePixelLimitAreRefusedFromTheirHeader() throws Exception {
        Path huge = Files.write(dir.resolve("huge.png"), pngHeaderOnly(20000, 20000));
        DataFormatException e = assertThrows(DataFormatException.class, () -> FloatImage.decode(huge));
        assertTrue(e.getMessage().startsWith(huge + ": png image of 20000x20000 pixels: larger than the 64 Mi pixels"), e.getMessage());
        // Just inside the limit by pixel count: the header passes, and the (bogus) pixel data is what fails.
        Path inside = Files.write(dir.resolve("inside.png"), pngHeaderOnly(8192, 8192));
        DataFormatException c = assertThrows(DataFormatException.class, () -> FloatImage.decode(inside));
        assertTrue(c.getMessage().contains("corrupt or truncated png image"), c.getMessage());
    }
}
