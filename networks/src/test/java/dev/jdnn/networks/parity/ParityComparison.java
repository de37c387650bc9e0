package dev.jdnn.networks.parity;

import dev.jdnn.networks.parity.ParityFixture.Checksum;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Collects every disagreement with a fixture (rather than stopping at the first), and the worst relative error per
 * quantity, so one run tells the whole story of a model.
 */
final class ParityComparison {
    private final String model;
    private final List<String> failures = new ArrayList<>();
    private final StringBuilder measured = new StringBuilder();

    ParityComparison(String model) {
        this.model = model;
    }

    /**
     * Logits: max_i |ours_i - torch_i| / max_i |torch_i| (one scale for the whole batch, so near-zero logits are not
     * held to a tighter bound than the numbers that decide the prediction).
     */
    void logits(String what, float[] ours, double[] torch, double tolerance) {
        if (ours.length != torch.length) {
            failures.add(what + ": " + ours.length + " logits, PyTorch has " + torch.length);
            return;
        }
        double maxDiff = 0, scale = 0;
        int worst = 0;
        for (int i = 0; i < ours.length; i++) {
            double d = Math.abs(ours[i] - torch[i]);
            if (d > maxDiff) {
                maxDiff = d;
                worst = i;
            }
            scale = Math.max(scale, Math.abs(torch[i]));
        }
        double rel = maxDiff / scale;
        record(what, rel);
        if (!(rel <= tolerance)) {
            failures.add(String.format("%s: max |diff| / max |logit| = %.3g > %.1g (worst index %d: ours %.7g, PyTorch %.7g)",
                    what, rel, tolerance, worst, ours[worst], torch[worst]));
        }
    }

    /** A scalar: |ours - torch| / |torch|. */
    void scalar(String what, double ours, double torch, double tolerance) {
        double rel = Math.abs(ours - torch) / Math.abs(torch);
        record(what, rel);
        if (!(rel <= tolerance)) failures.add(String.format("%s: ours %.8g, PyTorch %.8g, relative error %.3g > %.1g", what, ours, torch, rel, tolerance));
    }

    /**
     * Per-tensor checksums. The sum is compared relative to sqrt(sumsq * numel) — the size a sum of numel values of
     * that magnitude can reach — because a sum of mixed-sign values can be near zero; the sum of squares relative to
     * itself. Keys in {@code skip} are left out (the caller says why); {@code allowances} adds, per key, absolute
     * amounts the sum and the sum of squares may differ by beyond the relative tolerance (AdamW's sign flips).
     */
    void checksums(String what, Map<String, float[]> ours, Map<String, Checksum> torch, double tolerance, Set<String> skip,
                   Map<String, Checksum> allowances) {
        if (!ours.keySet().equals(torch.keySet())) {
            failures.add(what + ": parameter sets differ; only ours: " + minus(ours.keySet(), torch.keySet()) + ", only PyTorch: " + minus(torch.keySet(), ours.keySet()));
            return;
        }
        double worstSum = 0, worstSq = 0;
        String worstSumKey = "", worstSqKey = "";
        int bad = 0;
        for (Map.Entry<String, Checksum> e : torch.entrySet()) {
            if (skip.contains(e.getKey())) continue;
            float[] v = ours.get(e.getKey());
            Checksum mine = Checksum.of(v), ref = e.getValue();
            Checksum allowed = allowances.getOrDefault(e.getKey(), new Checksum(0, 0));
            double sumErr = Math.max(0, Math.abs(mine.sum() - ref.sum()) - allowed.sum()) / Math.sqrt(ref.sumOfSquares() * v.length);
            double sqErr = Math.max(0, Math.abs(mine.sumOfSquares() - ref.sumOfSquares()) - allowed.sumOfSquares()) / ref.sumOfSquares();
            if (sumErr > worstSum) { worstSum = sumErr; worstSumKey = e.getKey(); }
            if (sqErr > worstSq) { worstSq = sqErr; worstSqKey = e.getKey(); }
            if (!(sumErr <= tolerance && sqErr <= tolerance) && bad++ < 5) {
                failures.add(String.format("%s %s: ours [sum %.8g, sumsq %.8g], PyTorch [%.8g, %.8g] (errors %.3g, %.3g > %.1g; allowance %s)",
                        what, e.getKey(), mine.sum(), mine.sumOfSquares(), ref.sum(), ref.sumOfSquares(), sumErr, sqErr, tolerance, allowed));
            }
        }
        if (bad > 5) failures.add(what + ": " + (bad - 5) + " more parameters disagree");
        measured.append(String.format(" %s[sum %.2g (%s), sumsq %.2g (%s)]", what, worstSum, worstSumKey, worstSq, worstSqKey));
    }

    /** Tensors PyTorch's gradient is rounding noise for must be rounding noise here too: RMS below {@code bound}. */
    void roundingLevel(String what, Map<String, float[]> ours, Set<String> keys, double bound) {
        for (String k : keys) {
            float[] v = ours.get(k);
            double rms = Math.sqrt(Checksum.of(v).sumOfSquares() / v.length);
            if (!(rms < bound)) failures.add(String.format("%s %s: PyTorch's is rounding noise (mathematically zero), ours has RMS %.3g >= %.3g", what, k, rms, bound));
        }
        if (!keys.isEmpty()) measured.append(String.format(" (%d %s at rounding level: compared as zero)", keys.size(), what));
    }

    void fail(String message) {
        failures.add(message);
    }

    private void record(String what, double rel) {
        measured.append(String.format(" %s %.2g", what, rel));
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> out = new java.util.LinkedHashSet<>(a);
        out.removeAll(b);
        return out;
    }

    /** One line of measured worst relative errors, for the log. */
    String summary() {
        return model + ":" + measured;
    }

    List<String> failures() {
        return failures;
    }
}
