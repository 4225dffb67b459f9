package io.fastgpu.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/** The frame every page shares, and escaping: every text that came from a job, a script or a machine goes through {@link #esc}. */
final class Html {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    private Html() { }

    /** The text as HTML text or attribute value: never markup. */
    static String esc(String text) {
        if (text == null) return "";
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A whole page: the navigation, the title and {@code body} (already HTML). */
    static String page(String active, String title, String body, String... scripts) {
        StringBuilder b = new StringBuilder(4096);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(esc(title)).append(" · FastGPU</title>")
                .append("<link rel=\"stylesheet\" href=\"/static/uPlot.min.css\">")
                .append("<link rel=\"stylesheet\" href=\"/static/dashboard.css\"></head><body>")
                .append("<header><span class=\"brand\">FastGPU</span><nav>");
        for (String[] link : new String[][]{{"instances", "/instances", "Instances"}, {"runs", "/runs", "Runs"},
                {"models", "/models", "Models"}}) {
            b.append("<a href=\"").append(link[1]).append('"').append(link[0].equals(active) ? " class=\"active\"" : "")
                    .append('>').append(link[2]).append("</a>");
        }
        b.append("</nav></header><main><h1>").append(esc(title)).append("</h1>").append(body).append("</main>");
        for (String s : scripts) b.append("<script src=\"").append(s).append("\"></script>");
        return b.append("</body></html>\n").toString();
    }

    static String time(Instant t) {
        return t == null ? "–" : TIME.format(t);
    }

    /** {@code 2h 05m}, {@code 3m 07s}, {@code 12.3s}. */
    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) return String.format(Locale.ROOT, "%dh %02dm", s / 3600, s % 3600 / 60);
        if (s >= 60) return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        return String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    static String money(double amount) {
        return String.format(Locale.ROOT, "%.2f", amount);
    }

    /** The states that have a colour of their own (the rest are grey). */
    private static final Set<String> COLOURED = Set.of("running", "succeeded", "failed", "interrupted", "stopped",
            "stopping", "starting", "pending");

    /** A status word as a coloured badge (the class comes from a fixed list, never from the text). */
    static String badge(String status) {
        String word = status == null ? "" : status.toLowerCase(Locale.ROOT);
        return "<span class=\"badge " + (COLOURED.contains(word) ? word : "other") + "\">" + esc(status) + "</span>";
    }
}
