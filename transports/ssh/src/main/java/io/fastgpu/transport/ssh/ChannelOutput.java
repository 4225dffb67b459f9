package io.fastgpu.transport.ssh;

import io.fastgpu.core.transport.OutputSink;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;

/** A remote command's output on its exec channel: where it goes, when it last arrived, and the end of it. */
final class ChannelOutput {
    /** After the command's shell exited: how long output may pause before the channel is closed, and how long to read on at most. */
    private static final Duration DRAIN_IDLE = Duration.ofSeconds(1);
    private static final Duration DRAIN_MAX = Duration.ofSeconds(10);

    private ChannelOutput() { }

    /**
     * The command's shell has exited, but the channel stays open while a process it left in the background
     * ({@code cmd &}) holds its stdout or stderr. A terminal user gets the prompt back at this point: take
     * the output still arriving, then close the channel rather than wait for that process to end.
     */
    static void drainAfterExit(ChannelExec ch, Watch watch) throws IOException {
        long exited = System.nanoTime();
        while (true) {
            if (ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 50).contains(ClientChannelEvent.CLOSED)) return;
            long now = System.nanoTime();
            if (now - Math.max(exited, watch.lastWrite()) >= DRAIN_IDLE.toNanos() || now - exited >= DRAIN_MAX.toNanos()) break;
        }
        ch.close(false).await(Duration.ofSeconds(5));
    }

    /** When output last arrived on a channel's streams. */
    static final class Watch {
        private volatile long lastWrite = System.nanoTime();

        long lastWrite() { return lastWrite; }

        OutputStream of(OutputStream target) {
            return new OutputStream() {
                @Override public void write(int b) throws IOException {
                    target.write(b);
                    lastWrite = System.nanoTime();
                }

                @Override public void write(byte[] b, int off, int len) throws IOException {
                    target.write(b, off, len);
                    lastWrite = System.nanoTime();
                }

                @Override public void flush() throws IOException { target.flush(); }

                @Override public void close() throws IOException { target.close(); }
            };
        }
    }

    /** A stream whose writes go to {@code sink}'s stdout or stderr. */
    static OutputStream toSink(OutputSink sink, boolean isErr) {
        return new OutputStream() {
            @Override public void write(int b) { write(new byte[]{(byte) b}, 0, 1); }

            @Override public void write(byte[] b, int off, int len) {
                byte[] copy = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
                if (isErr) sink.stderr(copy, len); else sink.stdout(copy, len);
            }
        };
    }
}
