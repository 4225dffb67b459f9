package io.fastgpu.dashboard;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a run's local log from a byte offset on, whole lines at a time (a line still being written waits for its end),
 * a bounded piece per call, so that following a log of any length takes the same memory, as {@code logs -f} does.
 */
final class LogTail {
    /** A line of the log and whose it is: a task ({@code task0}) or the launch itself ({@code launch}). */
    record Line(String task, String text) { }

    /** The lines read and the offset to read from next. */
    record Chunk(List<Line> lines, long next) { }

    static final String LAUNCH = "launch";
    private static final Pattern TASK_LINE = Pattern.compile("^(task\\d+)> ?(.*)$", Pattern.DOTALL);
    private static final int PIECE = 256 * 1024;

    private LogTail() { }

    /** The whole lines from {@code offset} on, up to about {@link #PIECE} bytes; none while the file is absent. */
    static Chunk read(Path log, long offset) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(PIECE);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            if (ch.size() < offset) offset = 0; // the log was replaced: start over
            while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                // fill the piece
            }
        } catch (NoSuchFileException e) {
            return new Chunk(List.of(), offset);
        }
        byte[] bytes = buf.array();
        int end = buf.position();
        int lastNewline = -1;
        for (int i = end - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                lastNewline = i;
                break;
            }
        }
        if (lastNewline < 0) {
            // No complete line yet; a single line longer than a piece is passed on as it is.
            if (end < PIECE) return new Chunk(List.of(), offset);
            lastNewline = end - 1;
        }
        List<Line> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= lastNewline; i++) {
            if (bytes[i] == '\n' || i == lastNewline) {
                int stop = bytes[i] == '\n' ? i : i + 1;
                lines.add(line(new String(bytes, start, stop - start, StandardCharsets.UTF_8)));
                start = i + 1;
            }
        }
        return new Chunk(lines, offset + lastNewline + 1);
    }

    static Line line(String text) {
        if (text.endsWith("\r")) text = text.substring(0, text.length() - 1);
        Matcher m = TASK_LINE.matcher(text);
        return m.matches() ? new Line(m.group(1), m.group(2)) : new Line(LAUNCH, text);
    }
}
