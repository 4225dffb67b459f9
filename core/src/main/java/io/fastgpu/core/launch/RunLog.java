package io.fastgpu.core.launch;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.core.runtime.TaskNames;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Keeps a launch's output on this machine, so {@code fastgpu logs RUN} works for any backend and after the fact. */
final class RunLog implements EventListener, AutoCloseable {
    private final BufferedWriter out;

    RunLog(Path file) {
        try {
            Files.createDirectories(file.getParent());
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run log " + file, e);
        }
    }

    @Override
    public synchronized void on(Event event) {
        String line;
        if (event instanceof Event.LogLine l) {
            line = TaskNames.shortName(l.task()) + "> " + l.line();
        } else if (event instanceof Event.PhaseStarted p) {
            line = "== " + p.phase();
        } else if (event instanceof Event.PhaseFinished p) {
            line = "== " + p.phase() + (p.ok() ? " done" : " FAILED") + " in "
                    + String.format(java.util.Locale.ROOT, "%.2fs", p.elapsed().toMillis() / 1000.0);
        } else if (event instanceof Event.Notice n) {
            line = "-- " + n.message();
        } else {
            line = null;
        }
        if (line == null) return;
        try {
            out.write(line);
            out.newLine();
            out.flush();
        } catch (IOException e) {
            // the log is a convenience copy; losing a line must not fail the launch
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException ignored) {
            // nothing more to write
        }
    }
}
