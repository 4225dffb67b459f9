package io.fastgpu.cli;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.core.runtime.TaskNames;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Renders the core's events on the console: output lines prefixed with their task, phases, notices,
 * and a progress bar that only a terminal gets.
 */
public final class ConsoleRenderer implements EventListener {
    private final PrintWriter out;
    private final PrintWriter err;
    private final Style style;
    private final boolean terminal;
    private boolean barShown;
    private long lastBar;
    private final java.util.Map<String, Long> barStarted = new java.util.HashMap<>();

    ConsoleRenderer(PrintWriter out, PrintWriter err, Style style, boolean terminal) {
        this.out = out;
        this.err = err;
        this.style = style;
        this.terminal = terminal;
    }

    @Override
    public synchronized void on(Event event) {
        if (event instanceof Event.Progress p) {
            if (terminal) bar(p);
            return;
        }
        clearBar();
        if (event instanceof Event.LogLine l) {
            String prefix = style.cyan(TaskNames.shortName(l.task()) + "> ");
            out.println(prefix + l.line());
            out.flush();
        } else if (event instanceof Event.PhaseStarted p) {
            err.println(style.bold("== " + p.phase()));
            err.flush();
        } else if (event instanceof Event.PhaseFinished p) {
            String secs = String.format(Locale.ROOT, "%.2fs", p.elapsed().toMillis() / 1000.0);
            err.println(p.ok() ? style.dim("== " + p.phase() + " done in " + secs)
                    : style.red("== " + p.phase() + " failed after " + secs));
            err.flush();
        } else if (event instanceof Event.PhaseSkipped p) {
            err.println(style.dim("== " + p.phase() + " skipped: " + p.reason()));
            err.flush();
        } else if (event instanceof Event.Notice n) {
            err.println(n.level() == Event.Level.WARN ? style.yellow("warning: " + n.message()) : style.dim(n.message()));
            err.flush();
        }
    }

    private void bar(Event.Progress p) {
        long now = System.nanoTime();
        if (p.done() < p.total() && now - lastBar < 100_000_000L) return; // at most ten redraws a second
        lastBar = now;
        int width = 30;
        double frac = p.total() <= 0 ? 1 : Math.min(1, (double) p.done() / p.total());
        int filled = (int) Math.round(frac * width);
        double secs = Math.max(1e-3, (now - barStarted.computeIfAbsent(p.phase(), k -> now)) / 1e9);
        double rate = p.done() / secs;
        String eta = rate > 0 && p.done() < p.total() ? String.format(Locale.ROOT, " ETA %ds", Math.round((p.total() - p.done()) / rate)) : "";
        String text = String.format(Locale.ROOT, "\r%s [%s%s] %3d%% %s / %s, %d / %d files  %s/s%s", p.phase(),
                "=".repeat(filled), " ".repeat(width - filled), Math.round(frac * 100), human(p.done()), human(p.total()),
                p.files(), p.filesTotal(), human((long) rate), eta);
        err.print(text);
        err.flush();
        barShown = true;
    }

    private void clearBar() {
        if (barShown) {
            err.print("\r\u001b[2K");
            err.flush();
            barShown = false;
        }
    }

    /** Ends a bar left on screen. */
    synchronized void finish() { clearBar(); }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        double v = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
