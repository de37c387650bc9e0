package dev.jdnn.cli;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.StepMetrics;
import dev.jdnn.training.TrainingListener;
import dev.jdnn.training.checkpoint.AtomicFiles;
import dev.jdnn.training.listeners.MetricsCsv;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Keeps {@code curves.png} (XChart, headless) up to date after every epoch, from the rows of the run's
 * {@link MetricsCsv} (registered before this listener, so a resumed run's earlier epochs are drawn too); rewritten
 * atomically, so an interrupted run leaves a complete file. The loss chart shows the training loss of every step of
 * this run, smoothed, so a run of one or two epochs draws a curve, with the per-epoch train and test points over it;
 * the accuracy chart the per-epoch points.
 *
 * <p>The plot never stops a run: it is drawn with the font this jar ships ({@link ChartFont}), and if drawing or
 * writing it fails anyway, one warning says so and the run goes on without it ({@link #curvesWritten()} tells).
 * metrics.csv is the record.
 */
final class CurvesChart implements TrainingListener {
    static final String CURVES = "curves.png";
    /** Weight of the running value in the smoothed step loss (an exponential moving average over about 10 steps). */
    static final double SMOOTHING = 0.9;

    private final Path dir;
    private final MetricsCsv csv;
    private final Consumer<String> warn;
    private List<double[]> rows = List.of();
    /** Per step of this run: x (epochs, fractional) and the training loss. */
    private final List<double[]> steps = new ArrayList<>();
    private boolean curvesWritten, curvesFailed;

    /** {@code warn} gets the one line said when the plot cannot be drawn. */
    CurvesChart(Path dir, MetricsCsv csv, Consumer<String> warn) {
        this.dir = dir;
        this.csv = csv;
        this.warn = warn;
    }

    @Override
    public void onStep(StepMetrics s) {
        steps.add(new double[]{s.epoch() + (s.batch() + 1.0) / Math.max(1, s.batchesPerEpoch()), s.loss()});
    }

    @Override
    public void onEpochEnd(EpochMetrics e) {
        rows = csv.rows();
        if (curvesFailed) return;
        try {
            writeCurves();
            curvesWritten = true;
        } catch (Exception | LinkageError | InternalError | java.awt.AWTError failure) {
            // Font, fontconfig, headless graphics, PNG encoder or file system: the run matters more than its plot.
            curvesFailed = true;
            curvesWritten = false;
            warn.accept("jdnn: " + CURVES + " not drawn (" + CliSupport.reason(failure) + "); training goes on, " + MetricsCsv.FILE + " has every number");
        }
    }

    /** Whether this run wrote curves.png (and no later attempt failed). */
    boolean curvesWritten() {
        return curvesWritten;
    }

    /** Exponential moving average with the start-up bias removed (as TensorBoard's smoothing), NaN kept out. */
    static double[] smoothed(double[] values, double weight) {
        double[] out = new double[values.length];
        double avg = 0, norm = 0;
        for (int i = 0; i < values.length; i++) {
            if (Double.isFinite(values[i])) {
                avg = weight * avg + (1 - weight) * values[i];
                norm = weight * norm + (1 - weight);
            }
            out[i] = norm == 0 ? Double.NaN : avg / norm;
        }
        return out;
    }

    private void writeCurves() throws IOException {
        ChartFont.install();
        double[] x = rows.stream().mapToDouble(r -> r[0]).toArray();
        XYChart loss = chart("loss", "cross-entropy");
        if (!steps.isEmpty()) {
            double[] sx = steps.stream().mapToDouble(r -> r[0]).toArray();
            var perStep = loss.addSeries("train (per step, smoothed)", sx, smoothed(steps.stream().mapToDouble(r -> r[1]).toArray(), SMOOTHING));
            perStep.setMarker(SeriesMarkers.NONE);
            loss.getStyler().setXAxisMin(0.0); // ticks at round fractions of an epoch, not from the first step's x
        }
        loss.addSeries("train (epoch mean)", x, column(1)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        XYChart acc = chart("accuracy", "%");
        acc.addSeries("train top-1", x, percent(column(2)));
        if (rows.stream().noneMatch(r -> Double.isNaN(r[4]))) {
            loss.addSeries("test", x, column(3)).setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
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
        return Arrays.stream(fractions).map(v -> 100 * v).toArray();
    }

    private double[] column(int i) {
        return rows.stream().mapToDouble(r -> r[i]).toArray();
    }

    private static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(560).height(400).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        c.getStyler().setMarkerSize(6);
        c.getStyler().setYAxisDecimalPattern("#0.###");
        c.getStyler().setXAxisDecimalPattern("#0.##");
        c.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return c;
    }
}
