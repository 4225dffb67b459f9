package io.fastgpu.dashboard;

import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.RunRecord;

import java.time.Instant;

/** The newest runs: state, phases on a timeline, restarts, cost; each links to its own page. */
final class RunsPage {
    static final int LIMIT = 100;

    private final FastGpu fastGpu;
    private final RunFacts facts;

    RunsPage(FastGpu fastGpu, RunFacts facts) {
        this.fastGpu = fastGpu;
        this.facts = facts;
    }

    String render(Instant now) {
        var runs = fastGpu.state().runs(LIMIT);
        if (runs.isEmpty()) {
            return Html.page("runs", "Runs", "<p class=\"empty\">No runs yet. 'fastgpu launch' records them.</p>");
        }
        StringBuilder b = new StringBuilder("<table class=\"grid\" id=\"runs\"><thead><tr><th>Run</th><th>Job</th>"
                + "<th>Backend</th><th>State</th><th>Started</th><th class=\"num\">Took</th><th class=\"wide\">Phases</th>"
                + "<th class=\"num\">Restarts</th><th class=\"num\">Cost</th></tr></thead><tbody>");
        for (RunRecord r : runs) {
            RunSummary s = facts.summary(r, now);
            b.append("<tr><td class=\"name\"><a href=\"/runs/").append(r.id()).append("\">").append(Html.esc(r.runName()))
                    .append("</a> <span class=\"muted\">#").append(r.id()).append("</span></td><td>").append(Html.esc(r.job()))
                    .append("</td><td>").append(Html.esc(r.backend())).append("</td><td>").append(Html.badge(r.status()))
                    .append("</td><td>").append(Html.time(r.startedAt())).append("</td><td class=\"num\">")
                    .append(Html.duration(s.elapsed())).append("</td><td class=\"wide\">")
                    .append(Timeline.compact(r.startedAt(), s.elapsed(), s.steps(), now)).append("</td><td class=\"num\">")
                    .append(s.restarts()).append("</td><td class=\"num\">").append(s.cost() == null ? "–" : Html.money(s.cost()))
                    .append("</td></tr>");
        }
        return Html.page("runs", "Runs", b.append("</tbody></table>").toString());
    }
}
