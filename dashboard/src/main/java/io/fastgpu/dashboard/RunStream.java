package io.fastgpu.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.MetricPoint;
import io.fastgpu.core.state.RunRecord;
import io.javalin.http.sse.SseClient;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A run page's live feed (server-sent events): the log's new lines per task, following the run like
 * {@code logs -f}, its new metric points, and its state, until the run has ended and everything is sent.
 *
 * <p>Each event carries an id {@code LOGOFFSET:METRICID}; a browser that reconnects sends it back as
 * {@code Last-Event-ID}, and the feed resumes from there, so nothing is shown twice or lost.
 */
final class RunStream {
    static final long POLL_MILLIS = 300;
    /** How often the run's machines are asked for new metric points while the page is open. */
    static final long REFRESH_MILLIS = 2000;
    /** A quiet feed sends a comment this often, which is how a browser that has gone is noticed. */
    static final long HEARTBEAT_MILLIS = 15_000;
    private static final int METRIC_BATCH = 5000;

    private final FastGpu fastGpu;
    private final RunFacts facts;
    private final MetricRefresher refresher;
    private final ObjectMapper json = new ObjectMapper();

    RunStream(FastGpu fastGpu, RunFacts facts, MetricRefresher refresher) {
        this.fastGpu = fastGpu;
        this.facts = facts;
        this.refresher = refresher;
    }

    void follow(SseClient client, long runId) {
        Position pos = Position.parse(client.ctx().header("Last-Event-ID"));
        String lastStatus = null;
        long lastRefresh = 0;
        long lastSent = System.currentTimeMillis();
        try {
            while (!client.terminated()) {
                Optional<RunRecord> found = fastGpu.state().run(runId);
                if (found.isEmpty()) {
                    client.sendEvent("end", "{}");
                    return;
                }
                RunRecord run = found.get();
                boolean ended = !RunRecord.RUNNING.equals(run.status());
                if (!ended && System.currentTimeMillis() - lastRefresh >= REFRESH_MILLIS) {
                    refresher.refresh(run);
                    lastRefresh = System.currentTimeMillis();
                }
                boolean more = true;
                while (more && !client.terminated()) {
                    more = false;
                    if (run.localLog() != null) {
                        LogTail.Chunk chunk = LogTail.read(Path.of(run.localLog()), pos.logOffset);
                        if (!chunk.lines().isEmpty()) {
                            pos = new Position(chunk.next(), pos.metricId);
                            client.sendEvent("log", logJson(chunk.lines()), pos.id());
                            more = true;
                        }
                    }
                    List<MetricPoint> batch = fastGpu.state().metrics().of(runId, pos.metricId, METRIC_BATCH);
                    if (!batch.isEmpty()) {
                        pos = new Position(pos.logOffset, batch.get(batch.size() - 1).id());
                        client.sendEvent("metrics", metricsJson(batch), pos.id());
                        more = more || batch.size() == METRIC_BATCH;
                    }
                }
                String status = statusJson(run);
                if (!status.equals(lastStatus)) {
                    client.sendEvent("status", status, pos.id());
                    lastStatus = status;
                    lastSent = System.currentTimeMillis();
                }
                if (ended) {
                    client.sendEvent("end", "{}", pos.id());
                    return;
                }
                if (System.currentTimeMillis() - lastSent >= HEARTBEAT_MILLIS) {
                    client.sendComment("still following run " + runId);
                    lastSent = System.currentTimeMillis();
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!client.terminated()) client.sendEvent("problem", quoted("the live feed stopped: " + e.getMessage()));
        }
    }

    private String logJson(List<LogTail.Line> lines) {
        ArrayNode a = json.createArrayNode();
        for (LogTail.Line l : lines) a.addObject().put("task", l.task()).put("text", l.text());
        return a.toString();
    }

    private String metricsJson(List<MetricPoint> points) {
        ArrayNode a = json.createArrayNode();
        for (MetricPoint p : points) {
            ObjectNode o = a.addObject().put("name", p.name()).put("task", p.task())
                    .put("t", p.at().toEpochMilli() / 1000.0).put("v", p.value());
            if (p.epoch() != null) o.put("epoch", p.epoch());
            if (p.stepNo() != null) o.put("step", p.stepNo());
        }
        return a.toString();
    }

    private String statusJson(RunRecord run) {
        RunSummary s = facts.summary(run, Instant.now());
        ObjectNode o = json.createObjectNode().put("status", run.status()).put("badge", Html.badge(run.status()))
                .put("took", Html.duration(s.elapsed())).put("restarts", s.restarts())
                .put("timeline", Timeline.detailed(run.startedAt(), s.elapsed(), s.steps(), Instant.now()));
        return o.toString();
    }

    private String quoted(String text) {
        return json.createObjectNode().put("message", text).toString();
    }

    /** How far the browser has read: a byte offset in the log and the last metric point's id. */
    private record Position(long logOffset, long metricId) {
        static Position parse(String lastEventId) {
            if (lastEventId != null && lastEventId.matches("\\d{1,18}:\\d{1,18}")) {
                String[] parts = lastEventId.split(":");
                return new Position(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
            }
            return new Position(0, 0);
        }

        String id() {
            return logOffset + ":" + metricId;
        }
    }
}
