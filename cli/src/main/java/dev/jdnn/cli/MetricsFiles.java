package dev.jdnn.cli;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.IoErrors;
import dev.jdnn.training.TrainingListener;
import dev.jdnn.training.checkpoint.AtomicFiles;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keeps {@code metrics.csv} (one row per epoch) and {@code curves.png} (loss and accuracy curves, XChart, headless)
 * up to date after every epoch; both are rewritten atomically, so an interrupted run leaves complete files.
 * A resumed run keeps the rows of the epochs it does not redo.
 */
final class MetricsFiles implements TrainingListener {
    static final String CSV = "metrics.csv";
    static final String CURVES = "curves.png";
    static final String HEADER = "epoch,train_loss,train_top1,test_loss,test_top1,test_top5,train_images_per_s,loader_wait_s,lr,seconds";
    private static final int COLUMNS = 10;

    private final Path dir;
    private final List<double[]> rows = new ArrayList<>();

    MetricsFiles(Path dir, int keepEpochs) {
        this.dir = dir;
        Path csv = dir.resolve(CSV);
        if (keepEpochs > 0 && Files.isRegularFile(csv)) {
            try {
                for (String line : Files.readAllLines(csv)) {
                    if (line.startsWith("epoch")) continue;
                    double[] r = java.util.Arrays.stream(line.split(",")).mapToDouble(s -> s.isEmpty() ? Double.NaN : Double.parseDouble(s)).toArray();
                    if (r.length == COLUMNS && r[0] <= keepEpochs) rows.add(r);
                }
            } catch (IOException | NumberFormatException e) {
                rows.clear(); // an unreadable history is rebuilt from here on
            }
        }
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        double nan = Double.NaN;
        rows.add(new double[]{e.epoch() + 1, e.trainLoss(), e.trainAccuracy(), e.test() == null ? nan : e.test().loss(), e.test() == null ? nan : e.test().top1(),
                e.test() == null ? nan : e.test().top5(), e.trainImagesPerSecond(), e.loaderWaitSeconds(), e.lr(), e.seconds()});
        writeCsv();
        writeCurves();
    }

    private void writeCsv() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (double[] r : rows) {
            List<String> cells = new ArrayList<>();
            cells.add(Integer.toString((int) r[0]));
            for (int i = 1; i < r.length; i++) cells.add(Double.isNaN(r[i]) ? "" : String.format(Locale.ROOT, "%.6g", r[i]));
            sb.append(String.join(",", cells)).append('\n');
        }
        AtomicFiles.writeString(dir.resolve(CSV), sb.toString());
    }

    private void writeCurves() {
        System.setProperty("java.awt.headless", "true");
        double[] x = rows.stream().mapToDouble(r -> r[0]).toArray();
        XYChart loss = chart("loss", "cross-entropy");
        loss.addSeries("train", x, column(1));
        XYChart acc = chart("accuracy", "%");
        acc.addSeries("train top-1", x, percent(column(2)));
        if (rows.stream().noneMatch(r -> Double.isNaN(r[4]))) {
            loss.addSeries("test", x, column(3));
            acc.addSeries("test top-1", x, percent(column(4)));
            acc.addSeries("test top-5", x, percent(column(5)));
        }
        BufferedImage left = BitmapEncoder.getBufferedImage(loss), right = BitmapEncoder.getBufferedImage(acc);
        BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(), Math.max(left.getHeight(), right.getHeight()), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = both.createGraphics();
        g.drawImage(left, 0, 0, null);
        g.drawImage(right, left.getWidth(), 0, null);
        g.dispose();
        AtomicFiles.writeStream(dir.resolve(CURVES), out -> {
            if (!ImageIO.write(both, "png", out)) throw new IOException("no PNG writer available");
        });
    }

    private static double[] percent(double[] fractions) {
        return java.util.Arrays.stream(fractions).map(v -> 100 * v).toArray();
    }

    private double[] column(int i) {
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setMarkerSize(6);
        c.getStyler().setYAxisDecimalPattern("#0.###");
        c.getStyler().setXAxisDecimalPattern("#0");
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        return c;
    }

    static void createDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output directory " + dir + ": " + IoErrors.reason(e), e);
        }
    }
}
