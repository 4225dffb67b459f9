package io.fastgpu.dashboard;

import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.RunRecord;

import java.time.Instant;
import java.util.Optional;

/**
 * One run: its facts, its phases on a timeline, a chart per metric and its log per task, the last two kept up to
 * date by the page's script from {@link RunStream} while the run goes on.
 */
final class RunPage {
    private final FastGpu fastGpu;
    private final RunFacts facts;

    RunPage(FastGpu fastGpu, RunFacts facts) {
        this.fastGpu = fastGpu;
        this.facts = facts;
    }

    /** The page, or empty when there is no such run. */
    Optional<String> render(long runId, Instant now) {
        Optional<RunRecord> found = fastGpu.state().run(runId);
        if (found.isEmpty()) return Optional.empty();
        RunRecord r = found.get();
        RunSummary s = facts.summary(r, now);
        StringBuilder b = new StringBuilder();
        b.append("<div class=\"run\" id=\"run\" data-run=\"").append(r.id()).append("\">");
        b.append("<dl class=\"facts\">")
                .append(fact("State", "<span id=\"run-status\">" + Html.badge(r.status()) + "</span>"))
                .append(fact("Job", Html.esc(r.job())))
                .append(fact("Backend", Html.esc(r.backend())))
                .append(fact("Started", Html.time(r.startedAt())))
                .append(fact("Took", "<span id=\"run-took\">" + Html.duration(s.elapsed()) + "</span>"))
                .append(fact("Restarts", "<span id=\"run-restarts\">" + s.restarts() + "</span>"))
                .append(fact("Cost", s.cost() == null ? "–" : "about " + Html.money(s.cost())))
                .append(fact("Log folder", "<code>" + Html.esc(r.logdir()) + "</code>"))
                .append("</dl>");
        b.append("<h2>Phases</h2><div id=\"timeline-box\">")
                .append(Timeline.detailed(r.startedAt(), s.elapsed(), s.steps(), now)).append("</div>");
        b.append("<h2>Metrics</h2><div id=\"charts\" class=\"charts\"><p class=\"empty\" id=\"no-metrics\">"
                + "No metrics yet: a script reports them with fastgpu.metrics.push, a metrics rule in the job file,"
                + " or JSON lines in $FASTGPU_METRICS_FILE.</p></div>");
        b.append("<h2>Logs</h2><div class=\"log-tabs\" id=\"log-tabs\"></div><div id=\"logs\" class=\"logs\">"
                + "<p class=\"empty\" id=\"no-logs\">")
                .append(r.localLog() == null ? "This run kept no log on this machine." : "Waiting for output…")
                .append("</p></div></div>");
        return Optional.of(Html.page("runs", "Run " + r.runName() + " #" + r.id(), b.toString(),
                "/static/uPlot.iife.min.js", "/static/run.js"));
    }

    private static String fact(String name, String valueHtml) {
        return "<div><dt>" + name + "</dt><dd>" + valueHtml + "</dd></div>";
    }
}
