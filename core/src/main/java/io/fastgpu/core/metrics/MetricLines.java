package io.fastgpu.core.metrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.fastgpu.core.job.MetricRule;
import io.fastgpu.core.runtime.MetricsFiles;
import io.fastgpu.core.state.MetricPoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Turns what a training script reported into metric points: a JSON line of its metrics file
 * ({@code {"metrics": {"acc1": 0.71}, "epoch": 3, "step": 1200, "timestamp": 1764450000.5}}, or the flat
 * {@code {"acc1": 0.71, "epoch": 3}}), or a line of its output that a job file's regex matches. A value that is not a
 * finite number is skipped and counted in {@link MetricProblems}; nothing here throws on bad input.
 */
public final class MetricLines {
    /** Keys of a flat line that are not metrics. */
    private static final Set<String> RESERVED = Set.of("metrics", "epoch", "step", "timestamp", "time", "source");
    private static final int MAX_NAME = 200;
    private static final ObjectMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    private MetricLines() { }

    /**
     * The points of one JSON line of a metrics file.
     *
     * @param key where the line is ({@code file/task0.r0.training.jsonl/1234}): with the metric's name, the point's key
     * @param now the time of a line that gives none
     */
    public static List<MetricPoint> ofJson(String line, long runId, MetricsFiles.Source src, String key, Instant now,
                                           MetricProblems problems) {
        List<MetricPoint> points = new ArrayList<>();
        String where = src.step().isEmpty() ? "task" + src.task() : "task" + src.task() + " step '" + src.step() + "'";
        if (line.isBlank()) return points;
        JsonNode root;
        try {
            root = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            problems.add(MetricProblems.Kind.NOT_JSON, MetricProblems.shown(line) + " in " + where);
            return points;
        }
        JsonNode nested = root.get("metrics");
        Iterator<Map.Entry<String, JsonNode>> fields = nested != null && nested.isObject() ? nested.fields() : root.fields();
        boolean flat = nested == null || !nested.isObject();
        Integer epoch = root.path("epoch").canConvertToInt() && root.path("epoch").isIntegralNumber() ? root.get("epoch").intValue() : null;
        Long stepNo = root.path("step").isIntegralNumber() && root.path("step").canConvertToLong() ? root.get("step").longValue() : null;
        Instant at = timestamp(root, now);
        String source = "push".equals(root.path("source").asText("")) ? "push" : "file";
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            if (flat && RESERVED.contains(f.getKey())) continue;
            Double value = value(f.getKey(), f.getValue(), where, problems);
            if (value == null) continue;
            points.add(new MetricPoint(0, runId, src.task(), src.step(), src.restart(), f.getKey(), value, epoch, stepNo, at,
                    source, key + "/" + f.getKey()));
        }
        return points;
    }

    /**
     * The points a job file's regexes find in one output line; {@code key} says which line
     * ({@code regex/task0/0/training/17}).
     */
    public static List<MetricPoint> ofOutput(List<MetricRule> rules, String line, long runId, int task, int restart, String step,
                                             String key, Instant now, MetricProblems problems) {
        List<MetricPoint> points = new ArrayList<>();
        for (MetricRule r : rules) {
            Matcher m = r.regex().matcher(line);
            if (!m.find()) continue;
            String text = m.groupCount() >= 1 && m.group(1) != null ? m.group(1) : m.group();
            String where = "task" + task + " step '" + step + "'";
            Double value;
            try {
                value = Double.parseDouble(text.strip());
            } catch (NumberFormatException e) {
                problems.add(MetricProblems.Kind.NOT_A_NUMBER, MetricProblems.shown(r.name()) + " = " + MetricProblems.shown(text)
                        + " in " + where);
                continue;
            }
            if (!Double.isFinite(value)) {
                problems.add(MetricProblems.Kind.NOT_FINITE, MetricProblems.shown(r.name()) + " = " + text.strip() + " in " + where);
                continue;
            }
            points.add(new MetricPoint(0, runId, task, step, restart, r.name(), value, null, null, now, "regex", key + "/" + r.name()));
        }
        return points;
    }

    private static Double value(String name, JsonNode v, String where, MetricProblems problems) {
        if (name.isEmpty() || name.length() > MAX_NAME) {
            problems.add(MetricProblems.Kind.BAD_NAME, MetricProblems.shown(name) + " in " + where);
            return null;
        }
        if (!v.isNumber()) {
            problems.add(MetricProblems.Kind.NOT_A_NUMBER, MetricProblems.shown(name) + " = " + MetricProblems.shown(v.toString())
                    + " in " + where);
            return null;
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            problems.add(MetricProblems.Kind.NOT_FINITE, MetricProblems.shown(name) + " = " + v.asText() + " in " + where);
            return null;
        }
        return d;
    }

    /** The line's time: {@code timestamp} (or {@code time}) in seconds since 1970, else {@code now}. */
    private static Instant timestamp(JsonNode root, Instant now) {
        JsonNode t = root.has("timestamp") ? root.get("timestamp") : root.get("time");
        if (t == null || !t.isNumber() || !Double.isFinite(t.doubleValue()) || t.doubleValue() < 0 || t.doubleValue() > 1e11) return now;
        return Instant.ofEpochMilli(Math.round(t.doubleValue() * 1000));
    }
}
