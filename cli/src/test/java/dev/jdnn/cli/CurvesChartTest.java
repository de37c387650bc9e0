package dev.jdnn.cli;

import dev.jdnn.training.EpochMetrics;
import dev.jdnn.training.StepMetrics;
import dev.jdnn.training.listeners.MetricsCsv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** curves.png: the smoothed step loss, and a plot failure that must not stop the run. */
class CurvesChartTest {
    @TempDir
    Path dir;

    private static EpochMetrics epoch(int e, double loss) {
        return new EpochMetrics(e, loss, 0.5, 1000, 0.1, null, 2.0, 0.05);
    }

    @Test
    void smoothingRemovesTheStartUpBiasAndSkipsNaN() {
        double[] s = CurvesChart.smoothed(new double[]{2, 2, Double.NaN, 2}, 0.9);
        for (double v : s) assertEquals(2, v, 1e-12, "a constant stays constant from the first step");
        double[] step = CurvesChart.smoothed(new double[]{0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, 0.9);
        for (int i = 1; i < step.length; i++) assertTrue(step[i] > step[i - 1] && step[i] < 1, "rises towards 1: " + step[i]);
        assertEquals(1, step[step.length - 1], 0.05);
        assertTrue(Double.isNaN(CurvesChart.smoothed(new double[]{Double.NaN}, 0.9)[0]));
    }

    @Test
    void aOneEpochRunDrawsAStepCurve() throws Exception {
        List<String> warnings = new ArrayList<>();
        MetricsCsv csv = new MetricsCsv(dir);
        CurvesChart m = new CurvesChart(dir, csv, warnings::add);
        for (int b = 0; b < 20; b++) m.onStep(new StepMetrics(0, b, 20, b, 2.3 - 0.05 * b, 0.3, 0.1, 1000, 1));
        csv.onEpochEnd(epoch(0, 1.8));
        m.onEpochEnd(epoch(0, 1.8));
        assertEquals(List.of(), warnings);
        assertTrue(m.curvesWritten());
        BufferedImage png = ImageIO.read(dir.resolve(CurvesChart.CURVES).toFile());
        assertEquals(1120, png.getWidth(), "loss and accuracy charts side by side");
        assertEquals(2, Files.readAllLines(dir.resolve(MetricsCsv.FILE)).size());
    }

    @Test
    void aPlotThatCannotBeWrittenWarnsOnceAndTrainingGoesOn() throws Exception {
        Files.createDirectories(dir.resolve(CurvesChart.CURVES).resolve("in-the-way")); // curves.png is a full directory
        List<String> warnings = new ArrayList<>();
        MetricsCsv csv = new MetricsCsv(dir);
        CurvesChart m = new CurvesChart(dir, csv, warnings::add);
        for (int e = 0; e < 2; e++) {
            csv.onEpochEnd(epoch(e, 1.0 - 0.1 * e));
            m.onEpochEnd(epoch(e, 1.0 - 0.1 * e));
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.getFirst().startsWith("jdnn: curves.png not drawn (") && warnings.getFirst().contains("metrics.csv has every number"), warnings.getFirst());
        assertFalse(warnings.getFirst().matches("(?s).*(Exception|java\\.).*"), "the reason in words, no Java class name: " + warnings.getFirst());
        assertFalse(m.curvesWritten());
        assertEquals(3, Files.readAllLines(dir.resolve(MetricsCsv.FILE)).size(), "both epochs in metrics.csv");
        assertEquals(List.of("metrics.csv"), TrainingRun.written(dir, m), "the final line lists only files written");
    }

    @Test
    void theFontConfigurationNamesTheShippedFont() throws Exception {
        assertNotNull(ChartFont.class.getResource(ChartFont.FONT), "DejaVu Sans is in the jar");
        assertNotNull(ChartFont.class.getResource("fonts/DejaVu-LICENSE.txt"), "with its license");
        String config = ChartFont.fontConfiguration(Path.of("/tmp/x/DejaVuSans.ttf"));
        assertTrue(config.startsWith("version=1\n") && config.contains("allfonts.latin-1=DejaVu Sans\n")
                && config.contains("filename.DejaVu_Sans=/tmp/x/DejaVuSans.ttf\n"), config);
    }
}
