package io.fastgpu.core.util;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in job files and on the command line: {@code 90s}, {@code 30m}, {@code 1h30m}, {@code 2d}. */
public final class DurationText {
    private static final Pattern WHOLE = Pattern.compile("(?:\\d+(?:\\.\\d+)?[smhd])+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)([smhd])");

    private DurationText() { }

    /**
     * Reads a positive duration.
     *
     * @throws IllegalArgumentException saying what a duration looks like, when {@code text} is not one or is not positive
     */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (!WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 90s, 30m, 1h30m or 2d");
        }
        double seconds = 0;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            double n = Double.parseDouble(m.group(1));
            seconds += n * switch (m.group(2)) {
                case "s" -> 1;
                case "m" -> 60;
                case "h" -> 3600;
                default -> 86400;
            };
        }
        if (seconds < 1) throw new IllegalArgumentException("'" + text + "' is not a positive duration; write at least 1s");
        if (seconds > 366 * 86400.0) throw new IllegalArgumentException("'" + text + "' is longer than a year");
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** The shortest of these forms that says {@code d}: {@code 45s}, {@code 30m}, {@code 1h30m}, {@code 2d}. */
    public static String format(Duration d) {
        long s = d.toSeconds();
        if (s == 0) return "0s";
        StringBuilder b = new StringBuilder();
        long days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60, secs = s % 60;
        if (days > 0) b.append(days).append('d');
        if (hours > 0) b.append(hours).append('h');
        if (minutes > 0) b.append(minutes).append('m');
        if (secs > 0) b.append(secs).append('s');
        return b.toString();
    }
}
