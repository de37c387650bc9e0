package dev.jdnn.cli;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.io.IoErrors;
import dev.jdnn.training.TrainingListener;
import dev.jdnn.training.checkpoint.AtomicFiles;
import dev.jdnn.training.listeners.MetricsCsv;
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
import java.util.List;

/**
 * Keeps {@code curves.png} (loss and accuracy curves, XChart, headless) up to date after every epoch, from the rows
 * of the run's {@link MetricsCsv} (registered before this listener, so a resumed run's earlier epochs are drawn too);
 * rewritten atomically, so an interrupted run leaves a complete file.
 */
final class MetricsFiles implements TrainingListener {
    static final String CURVES = "curves.png";

    private final Path dir;
    private final MetricsCsv csv;
    private List<double[]> rows = List.of();

    MetricsFiles(Path dir, MetricsCsv csv) {
        this.dir = dir;
        this.csv = csv;
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        rows = csv.rows();
        writeCurves();
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
