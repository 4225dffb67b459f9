package io.fastgpu.core.metrics;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The metric values a collection skipped, counted by kind, with the first of each as an example: a script that
 * reports a bad value ten thousand times is told once, in one line, with the count.
 */
public final class MetricProblems {
    /** Why a value was skipped. */
    public enum Kind {
        NOT_A_NUMBER("values that are not numbers"),
        NOT_FINITE("NaN or infinite values"),
        NOT_JSON("lines that are not a JSON object"),
        LINE_TOO_LONG("lines over 1 MiB"),
        BAD_NAME("metrics with an empty name or one over 200 characters");

        private final String label;

        Kind(String label) { this.label = label; }

        public String label() { return label; }
    }

    private record Seen(long count, String first) { }

    private final Map<Kind, Seen> seen = new EnumMap<>(Kind.class);
    private final java.util.Set<Kind> told = java.util.EnumSet.noneOf(Kind.class);

    /**
     * Counts one skipped value; {@code example} says which (name, value, where).
     *
     * @return true the first time a problem of this kind is seen, when it should be told
     */
    public synchronized boolean add(Kind kind, String example) {
        Seen s = seen.get(kind);
        seen.put(kind, s == null ? new Seen(1, example) : new Seen(s.count() + 1, s.first()));
        return s == null;
    }

    /** How many values of {@code kind} were skipped. */
    public synchronized long count(Kind kind) {
        Seen s = seen.get(kind);
        return s == null ? 0 : s.count();
    }

    /** The first-problem line ({@link #firstLine}) of each kind seen and not told yet; they count as told from now on. */
    public synchronized List<String> untold() {
        List<String> lines = new ArrayList<>();
        seen.forEach((k, s) -> {
            if (told.add(k)) lines.add(firstLine(k, s.first()));
        });
        return lines;
    }

    /** One line per kind: "metrics: 3 values that are not numbers skipped (first: ...)". */
    public synchronized List<String> summary() {
        List<String> lines = new ArrayList<>();
        seen.forEach((k, s) -> lines.add(line(k, s.count(), s.first())));
        return lines;
    }

    /** The line that tells the first problem of a kind as it happens. */
    public static String firstLine(Kind kind, String example) {
        return "metrics: skipping " + kind.label() + " (first: " + example + "); the count is given at the end";
    }

    static String line(Kind kind, long count, String first) {
        return "metrics: " + count + " " + (count == 1 ? singular(kind) : kind.label()) + " skipped (first: " + first + ")";
    }

    private static String singular(Kind k) {
        return switch (k) {
            case NOT_A_NUMBER -> "value that is not a number";
            case NOT_FINITE -> "NaN or infinite value";
            case NOT_JSON -> "line that is not a JSON object";
            case LINE_TOO_LONG -> "line over 1 MiB";
            case BAD_NAME -> "metric with an empty name or one over 200 characters";
        };
    }

    /** A name or value as shown in a message: quoted, at most 60 characters, control characters as '?'. */
    static String shown(String text) {
        String t = text.length() > 60 ? text.substring(0, 57) + "..." : text;
        return "'" + t.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
