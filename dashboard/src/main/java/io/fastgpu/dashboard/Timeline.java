package io.fastgpu.dashboard;

import io.fastgpu.core.state.StepRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * A run's phases drawn to scale, as HTML: each phase a bar starting where it started and as long as it took, so
 * that where the time went is seen at a glance.
 */
final class Timeline {
    private Timeline() { }

    /** One row per phase, with its name and duration beside its bar (the run page). */
    static String detailed(Instant runStart, Duration total, List<StepRecord> steps, Instant now) {
        if (steps.isEmpty()) return "<p class=\"empty\">No phases recorded yet.</p>";
        double span = Math.max(1, total.toMillis());
        StringBuilder b = new StringBuilder("<div class=\"timeline\" id=\"timeline\">");
        for (StepRecord s : steps) {
            Duration took = took(s, now);
            b.append("<div class=\"tl-row\"><span class=\"tl-name\">").append(Html.esc(s.name())).append("</span>")
                    .append("<span class=\"tl-track\">").append(bar(runStart, span, s, took)).append("</span>")
                    .append("<span class=\"tl-time\">").append(Html.duration(took)).append("</span></div>");
        }
        return b.append("</div>").toString();
    }

    /** All phases on one line (the runs list); each bar's tooltip names it. */
    static String compact(Instant runStart, Duration total, List<StepRecord> steps, Instant now) {
        double span = Math.max(1, total.toMillis());
        StringBuilder b = new StringBuilder("<span class=\"tl-track compact\">");
        for (StepRecord s : steps) b.append(bar(runStart, span, s, took(s, now)));
        return b.append("</span>").toString();
    }

    private static String bar(Instant runStart, double span, StepRecord s, Duration took) {
        double left = Math.max(0, Duration.between(runStart, s.startedAt()).toMillis() / span * 100);
        double width = Math.max(0.4, took.toMillis() / span * 100);
        String state = s.finishedAt() == null ? "running" : s.exitCode() != null && s.exitCode() == 0 ? "ok" : "failed";
        return String.format(Locale.ROOT, "<span class=\"tl-bar %s\" style=\"left:%.2f%%;width:%.2f%%\" title=\"%s\"></span>",
                state, Math.min(left, 99.6), Math.min(width, 100 - Math.min(left, 99.6)),
                Html.esc(s.name() + ": " + Html.duration(took) + (state.equals("failed") ? " (exit " + s.exitCode() + ")" : "")));
    }

    private static Duration took(StepRecord s, Instant now) {
        if (s.elapsedMillis() != null) return Duration.ofMillis(s.elapsedMillis());
        Duration d = Duration.between(s.startedAt(), s.finishedAt() == null ? now : s.finishedAt());
        return d.isNegative() ? Duration.ZERO : d;
    }
}
