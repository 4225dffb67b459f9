package io.fastgpu.core.launch;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.core.runtime.TaskNames;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Keeps a launch's output on this machine, so {@code fastgpu logs RUN} works for any backend and after the fact. */
final class RunLog implements EventListener, AutoCloseable {
    private BufferedWriter out;
    private final Path file;
    private final EventListener warnings;

    /**
     * Opens the log; when it cannot be written (a full disk, no permission) the launch goes on without it,
     * after one warning to {@code warnings}.
     */
    RunLog(Path file, EventListener warnings) {
        this.file = file;
        this.warnings = warnings;
        try {
            Files.createDirectories(file.getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            lost(e);
        }
    }

    private void lost(IOException e) {
        out = null;
        warnings.on(new Event.Notice(Event.Level.WARN, "the launch's output is not kept in " + file + " from here on ("
                + e.getMessage() + "); the launch goes on"));
    }

    @Override
    public synchronized void on(Event event) {
        if (out == null) return;
        String line;
        if (event instanceof Event.LogLine l) {
            line = TaskNames.shortName(l.task()) + "> " + l.line();
        } else if (event instanceof Event.PhaseStarted p) {
            line = "== " + p.phase();
        } else if (event instanceof Event.PhaseFinished p) {
            line = "== " + p.phase() + (p.ok() ? " done" : " FAILED") + " in "
                    + String.format(java.util.Locale.ROOT, "%.2fs", p.elapsed().toMillis() / 1000.0);
        } else if (event instanceof Event.PhaseSkipped p) {
            line = "== " + p.phase() + " skipped: " + p.reason();
        } else if (event instanceof Event.Notice n) {
            line = "-- " + n.message();
        } else {
            line = null;
        }
        if (line != null) write(line);
    }

    /** Keeps one line as it is: a managed training task's output, which names its node itself. */
    synchronized void line(String text) {
        if (out != null) write(text);
    }

    private void write(String line) {
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            // The log is a convenience copy: losing it must not fail the launch, nor starve what matters more
            // (the run's state, stopping the machines) of a disk it filled: its partial copy is dropped.
            BufferedWriter o = out;
            out = null;
            try {
                o.close();
            } catch (IOException ignored) {
                // already lost
            }
            try {
                java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE).truncate(0).close();
            } catch (IOException ignored) {
                // nothing more to free
            }
            warnings.on(new Event.Notice(Event.Level.WARN, "the launch's output is not kept in " + file + " ("
                    + e.getMessage() + "); its partial copy was dropped to free the space, and the launch goes on"));
        }
    }

    @Override
    public synchronized void close() {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more to write
        }
    }
}
