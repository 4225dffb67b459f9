package io.fastgpu.core.metrics;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.ExecResult;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.runtime.MetricsFiles;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.state.MetricPoint;
import io.fastgpu.core.state.StateStore;
import io.fastgpu.core.util.ShellQuote;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Brings the metrics files of a run's tasks ({@link MetricsFiles}) into the state store, from where the last
 * collection stopped: the store keeps a byte offset per file, moved in the same transaction that stores the points,
 * so a line is read once however often and from however many clients it is collected. Only complete lines count;
 * a line being written is read next time. Each round trip reads at most 4 MiB of a file and 16 MiB in all, so memory
 * stays bounded however fast a script writes; a collection goes on in rounds until it has caught up.
 */
public final class MetricsCollector {
    static final int CHUNK = 4 << 20;
    static final int ROUND = 16 << 20;
    static final int MAX_LINE = 1 << 20;

    private final StateStore store;
    private final MetricProblems problems;
    private final EventListener events;
    /** Answers read and chunks stored so far: a collection that counts on is slow, not stuck. */
    private final java.util.concurrent.atomic.AtomicLong rounds = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param problems where skipped values are counted
     * @param events   where the first problem of each kind is told, as a warning, when it is found
     */
    public MetricsCollector(StateStore store, MetricProblems problems, EventListener events) {
        this.store = store;
        this.problems = problems;
        this.events = events;
    }

    /**
     * Collects what is new in the metrics files under {@code logdir} on {@code task}.
     *
     * @return how many points were new
     * @throws FastGpuException when the machine cannot be reached
     */
    public synchronized int collect(long runId, String logdir, TaskRuntime task) {
        int added = 0;
        boolean more = true;
        while (more) {
            ExecResult r = task.runRaw(readScript(runId, logdir));
            rounds.incrementAndGet();
            if (r.exitCode() != 0) {
                throw new FastGpuException(task.name() + ": could not read the metrics files in " + MetricsFiles.folder(logdir)
                        + " (exit " + r.exitCode() + "): " + r.stderr().strip());
            }
            more = false;
            String[] lines = r.stdout().split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.equals("MORE")) more = true;
                if (!l.startsWith("F ") || i + 1 >= lines.length) continue;
                String[] h = l.split(" ");
                byte[] chunk = Base64.getDecoder().decode(lines[++i].strip());
                added += store(runId, h[1], Long.parseLong(h[2]), chunk);
                rounds.incrementAndGet();
                if (chunk.length >= CHUNK) more = true;
            }
            for (String told : problems.untold()) events.on(new Event.Notice(Event.Level.WARN, told));
        }
        return added;
    }

    /** How far this collector has come: answers of machines read (up to 16 MiB each) and chunks stored, counted together. */
    public long rounds() { return rounds.get(); }

    /** Stores the complete lines of {@code chunk}, read from byte {@code offset} of file {@code name}. */
    private int store(long runId, String name, long offset, byte[] chunk) {
        Optional<MetricsFiles.Source> src = MetricsFiles.parse(name);
        if (src.isEmpty()) return 0;
        int end = lastNewline(chunk);
        if (end < 0 && chunk.length < MAX_LINE) return 0; // a line still being written
        int upTo = end < 0 ? chunk.length : end + 1;
        Instant now = Instant.now();
        List<MetricPoint> points = new ArrayList<>();
        int start = 0;
        while (start < upTo) {
            int nl = indexOf(chunk, start, upTo);
            int stop = nl < 0 ? upTo : nl;
            if (stop - start > MAX_LINE || nl < 0) {
                problems.add(MetricProblems.Kind.LINE_TOO_LONG, "byte " + (offset + start) + " of " + name);
            } else {
                String line = new String(chunk, start, stop - start, StandardCharsets.UTF_8);
                points.addAll(MetricLines.ofJson(line, runId, src.get(), "file/" + name + "/" + (offset + start), now, problems));
            }
            start = stop + 1;
        }
        return store.metrics().addCollected(runId, "file/" + name, offset + upTo, points);
    }

    /** The script that prints, for each metrics file with unread bytes, "F NAME OFFSET LENGTH" and the bytes in base64. */
    private String readScript(long runId, String logdir) {
        StringBuilder offsets = new StringBuilder("__fg_off() { case \"$1\" in\n");
        // Offsets already stored; a file not named here starts at 0.
        for (var c : store.metrics().cursors(runId)) {
            if (c.source().startsWith("file/") && c.source().substring(5).matches("[A-Za-z0-9%._-]+")) {
                offsets.append("  ").append(ShellQuote.quote(c.source().substring(5))).append(") echo ").append(c.offset()).append(" ;;\n");
            }
        }
        offsets.append("  *) echo 0 ;;\nesac; }\n");
        return "cd " + ShellQuote.quote(MetricsFiles.folder(logdir)) + " 2>/dev/null || exit 0\n"
                + offsets
                + "__fg_budget=" + ROUND + "\n"
                + "for f in task*.jsonl; do\n"
                + "  case \"$f\" in *[!A-Za-z0-9%._-]*) continue ;; esac\n"
                + "  [ -f \"$f\" ] || continue\n"
                + "  s=$(stat -c %s -- \"$f\" 2>/dev/null) || continue\n"
                + "  o=$(__fg_off \"$f\"); [ \"$s\" -gt \"$o\" ] || continue\n"
                + "  [ \"$__fg_budget\" -gt 0 ] || { echo MORE; break; }\n"
                + "  n=$((s - o)); [ \"$n\" -gt " + CHUNK + " ] && n=" + CHUNK + "\n"
                + "  __fg_budget=$((__fg_budget - n))\n"
                + "  echo \"F $f $o $n\"\n"
                + "  tail -c +$((o + 1)) -- \"$f\" | head -c \"$n\" | base64 -w0; echo\n"
                + "done\n";
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) if (b[i] == '\n') return i;
        return -1;
    }

    private static int indexOf(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) if (b[i] == '\n') return i;
        return -1;
    }
}
