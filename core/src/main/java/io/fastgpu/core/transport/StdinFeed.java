package io.fastgpu.core.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Feeds a command's standard input from a stream, on a daemon thread of its own, for as long as the command reads it;
 * the end of the stream closes the command's input. {@link #stop} ends the feed when the command is over, also where
 * it waits for input that has not come (a terminal, a pipe that stays open).
 */
public final class StdinFeed {
    private final Thread thread;

    private StdinFeed(Thread thread) { this.thread = thread; }

    /** Starts copying {@code from} to {@code to} (closed at the end of {@code from}, or when the command stops reading). */
    public static StdinFeed start(InputStream from, OutputStream to, String name) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[65536];
            try (to) {
                int n;
                while (!Thread.currentThread().isInterrupted() && (n = from.read(buf)) >= 0) {
                    if (n == 0) continue;
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the command stopped reading (it ended, or closed its input): what it did not read is not its
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return new StdinFeed(t);
    }

    /** Ends the feed: the command is over. */
    public void stop() { thread.interrupt(); }
}
