package io.servingmonitor.api;

/**
 * Command-line values both commands read ({@code serving-monitor standalone ...} and
 * {@code serving-monitor faults ...}), each failing with an {@link IllegalArgumentException} that
 * names the flag and the value it refused.
 */
public final class OptionValues {

    private OptionValues() {
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    public static int intIn(String flag, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", not " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " must be a whole number, not '" + value + "'");
        }
    }
}
