package io.fastgpu.core.runtime;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.core.transport.OutputSink;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Collects a command's output: all of it (for {@code runWithOutput}) or only a tail (for error messages),
 * and, when streaming, emits each complete line as a {@link Event.LogLine}.
 */
final class OutputCollector implements OutputSink {
    private static final int TAIL_LINES = 25;

    private final String task;
    private final boolean keepAll;
    private final EventListener stream;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final LineBuffer outLines = new LineBuffer(false);
    private final LineBuffer errLines = new LineBuffer(true);
    /** The last lines of both streams; error lines are kept longer, as they usually say what went wrong. */
    private final Deque<Line> tail = new ArrayDeque<>();

    private record Line(String text, boolean isErr) { }

    OutputCollector(String task, boolean keepAll, EventListener streamTo) {
        this.task = task;
        this.keepAll = keepAll;
        this.stream = streamTo;
    }

    @Override
    public void stdout(byte[] buffer, int length) {
        if (keepAll) synchronized (out) { out.write(buffer, 0, length); }
        outLines.add(buffer, length);
    }

    @Override
    public void stderr(byte[] buffer, int length) {
        if (keepAll) synchronized (err) { err.write(buffer, 0, length); }
        errLines.add(buffer, length);
    }

    /** Emits the unterminated last lines; call once the command has ended. */
    void finish() {
        outLines.flush();
        errLines.flush();
    }

    String stdout() { synchronized (out) { return out.toString(StandardCharsets.UTF_8); } }

    String stderr() { synchronized (err) { return err.toString(StandardCharsets.UTF_8); } }

    /** The last lines of both streams, in arrival order. */
    synchronized String tail() { return String.join("\n", tail.stream().map(Line::text).toList()); }

    private synchronized void line(String line, boolean isErr) {
        tail.addLast(new Line(line.length() > 500 ? line.substring(0, 500) + "..." : line, isErr));
        if (tail.size() > TAIL_LINES) {
            // Evict the oldest line; while error lines are few, the oldest output line instead.
            boolean manyErrors = tail.stream().filter(Line::isErr).count() > TAIL_LINES / 2;
            for (var it = tail.iterator(); it.hasNext(); ) {
                Line oldest = it.next();
                if (manyErrors || !oldest.isErr()) {
                    it.remove();
                    break;
                }
            }
        }
        if (stream != null) stream.on(new Event.LogLine(task, line, isErr));
    }

    /** Splits a byte stream into UTF-8 lines; a multi-byte character may span reads. */
    private final class LineBuffer {
        private final boolean isErr;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineBuffer(boolean isErr) { this.isErr = isErr; }

        synchronized void add(byte[] b, int len) {
            int start = 0;
            for (int i = 0; i < len; i++) {
                if (b[i] == '\n') {
                    pending.write(b, start, i - start);
                    emit();
                    start = i + 1;
                }
            }
            pending.write(b, start, len - start);
        }

        synchronized void flush() {
            if (pending.size() > 0) emit();
        }

        private void emit() {
            String s = pending.toString(StandardCharsets.UTF_8);
            pending.reset();
            line(s.endsWith("\r") ? s.substring(0, s.length() - 1) : s, isErr);
        }
    }
}
