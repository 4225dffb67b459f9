package io.fastgpu.dashboard;

import io.fastgpu.core.state.ModelRecord;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The model registry: each model with its versions, the run each came from and its final metrics. */
final class ModelsPage {
    private final ModelsView models;

    ModelsPage(ModelsView models) {
        this.models = models;
    }

    String render() {
        List<ModelRecord> versions = models.versions();
        if (versions.isEmpty()) {
            return Html.page("models", "Models", "<p class=\"empty\">No models registered yet."
                    + " 'fastgpu models register NAME --run RUN' (or 'register:' in a job file) adds one.</p>");
        }
        Map<String, List<ModelRecord>> byModel = new LinkedHashMap<>();
        for (ModelRecord v : versions) byModel.computeIfAbsent(v.name(), k -> new java.util.ArrayList<>()).add(v);
        StringBuilder b = new StringBuilder();
        for (var e : byModel.entrySet()) {
            Set<String> metricNames = new LinkedHashSet<>();
            e.getValue().forEach(v -> metricNames.addAll(v.metrics().keySet()));
            b.append("<section class=\"model\"><h2>").append(Html.esc(e.getKey())).append("</h2>")
                    .append("<table class=\"grid models\"><thead><tr><th>Version</th><th>From run</th><th>Registered</th>"
                            + "<th>Framework</th><th class=\"num\">Size</th><th>sha256</th>");
            for (String m : metricNames) b.append("<th class=\"num metric\">").append(Html.esc(m)).append("</th>");
            b.append("</tr></thead><tbody>");
            for (ModelRecord v : e.getValue()) {
                String run = v.runId() == null ? "–" : "<a href=\"/runs/" + v.runId() + "\">" + Html.esc(v.runName()) + "</a>";
                b.append("<tr><td class=\"name\" title=\"").append(Html.esc(v.description())).append("\">")
                        .append(Html.esc(v.ref())).append("</td><td>").append(run).append("</td><td>")
                        .append(Html.time(v.createdAt())).append("</td><td>").append(Html.esc(v.framework().isEmpty() ? "–" : v.framework()))
                        .append("</td><td class=\"num\">").append(size(v.size())).append("</td><td><code title=\"")
                        .append(Html.esc(v.sha256())).append("\">").append(Html.esc(v.sha256().substring(0, Math.min(12, v.sha256().length()))))
                        .append("…</code></td>");
                for (String m : metricNames) {
                    Double value = v.metrics().get(m);
                    b.append("<td class=\"num\">").append(value == null ? "–" : String.format(Locale.ROOT, "%.4g", value)).append("</td>");
                }
                b.append("</tr>");
            }
            b.append("</tbody></table></section>");
        }
        return Html.page("models", "Models", b.toString());
    }

    private static String size(long bytes) {
        if (bytes >= 1 << 30) return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1 << 30));
        if (bytes >= 1 << 20) return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
        if (bytes >= 1 << 10) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        return bytes + " B";
    }
}
