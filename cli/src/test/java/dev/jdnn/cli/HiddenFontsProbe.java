package dev.jdnn.cli;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;

/** Draws one string with Java2D's defaults (no font configuration of ours); run by {@link HiddenFontsTest}. */
public final class HiddenFontsProbe {
    private HiddenFontsProbe() {}

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        try {
            Graphics2D g = new BufferedImage(100, 20, BufferedImage.TYPE_INT_RGB).createGraphics();
            g.drawString("probe", 1, 15);
            g.dispose();
            System.out.println("PROBE DREW TEXT");
        } catch (Throwable t) {
            System.out.println("PROBE FAILED: " + t);
        }
    }
}
