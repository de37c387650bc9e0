package dev.jdnn.cli;

/**
 * The rules of the numeric options, in one place. Each check throws an {@link IllegalArgumentException} (exit code 2)
 * whose one-line message names the option, the value given and the rule with its reason, e.g.
 * "--momentum must be in [0, 1) (the fraction of the previous update kept), got 2.0". NaN and infinity fail every
 * rule. Commands call these from their option mixins' validate methods, before any model or data is loaded.
 */
final class OptionChecks {
    private OptionChecks() {}

    /** An integer option of at least {@code min}. */
    static void atLeast(String option, long value, long min, String why) {
        if (value < min) throw fail(option, "must be >= " + min, why, Long.toString(value));
    }

    /** An integer option in [{@code min}, {@code max}]. */
    static void between(String option, long value, long min, long max, String why) {
        if (value < min || value > max) throw fail(option, "must be in [" + min + ", " + max + "]", why, Long.toString(value));
    }

    /** A finite number above 0. */
    static void positive(String option, double value, String why) {
        if (!(value > 0) || Double.isInfinite(value)) throw fail(option, "must be a finite number > 0", why, Double.toString(value));
    }

    /** A finite number of at least 0. */
    static void nonNegative(String option, double value, String why) {
        if (!(value >= 0) || Double.isInfinite(value)) throw fail(option, "must be a finite number >= 0", why, Double.toString(value));
    }

    /** A fraction in [0, 1). */
    static void fraction(String option, double value, String why) {
        if (!(value >= 0 && value < 1)) throw fail(option, "must be in [0, 1)", why, Double.toString(value));
    }

    private static IllegalArgumentException fail(String option, String rule, String why, String got) {
        return new IllegalArgumentException(option + " " + rule + " (" + why + "), got " + got);
    }
}
