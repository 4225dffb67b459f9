package io.fastgpu.core.runtime;

import io.fastgpu.core.util.ChunkedInput;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One input, a copy of it for each of several commands (the standard input of {@code fastgpu exec -i} on a group).
 * A reader thread, started by the first read of any copy, reads the source as fast as the slowest open copy takes it
 * (each copy holds up to {@link #CHUNKS} chunks). A copy that is closed (its command ended) takes nothing more and holds
 * no one up; when every copy is closed the reader stops, also where it waits for input that has not come.
 */
public final class InputCopies implements AutoCloseable {
    /** Chunks a copy holds before the reader waits for it: up to 4 MiB of a fast source. */
    static final int CHUNKS = 64;
    /** The end of the input, to each copy (see {@link ChunkedInput}). */
    private static final byte[] END = new byte[0];

    private final InputStream source;
    private final List<Copy> copies = new ArrayList<>();
    private Thread reader;

    public InputCopies(InputStream source, int count) {
        if (count < 1) throw new IllegalArgumentException("count must be at least 1, was " + count);
        this.source = source;
        for (int i = 0; i < count; i++) copies.add(new Copy());
    }

    /** The {@code i}th copy (0-based); close it when its command has ended. */
    public InputStream copy(int i) { return copies.get(i); }

    /** Closes the {@code i}th copy: its command has ended, and the others' input goes on without it. */
    public void close(int i) { copies.get(i).close(); }

    /** Closes every copy and stops the reader. The source is not closed (it is the caller's). */
    @Override
    public void close() {
        copies.forEach(Copy::close);
        stopReader();
    }

    private synchronized void startReader() {
        if (reader != null) return;
        reader = new Thread(this::readAll, "fastgpu-input-copies");
        reader.setDaemon(true);
        reader.start();
    }

    private synchronized void stopReader() {
        if (reader != null) reader.interrupt();
    }

    private void readAll() {
        byte[] buf = new byte[65536];
        try {
            int n;
            while ((n = source.read(buf)) >= 0) {
                if (n == 0) continue;
                byte[] chunk = Arrays.copyOf(buf, n);
                boolean anyOpen = false;
                for (Copy c : copies) anyOpen |= c.offer(chunk);
                if (!anyOpen) return;
            }
        } catch (InterruptedIOException e) {
            return; // every copy closed
        } catch (IOException e) {
            // a source that fails ends like one that ends: the commands read end of input
        } catch (InterruptedException e) {
            return;
        }
        for (Copy c : copies) {
            try {
                c.offer(END);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private final class Copy extends ChunkedInput {
        private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(CHUNKS);
        private volatile boolean closed;

        /** Hands {@code chunk} to this copy, waiting while it is full; false once it is closed. */
        boolean offer(byte[] chunk) throws InterruptedException {
            while (!closed) {
                if (chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) return true;
            }
            return false;
        }

        @Override
        protected byte[] next(int wanted) throws InterruptedException {
            startReader();
            return chunks.take();
        }

        @Override
        protected boolean closed() { return closed; }

        @Override
        public void close() {
            closed = true;
            chunks.clear();
            chunks.offer(END); // a read waiting on this copy ends
            boolean all = copies.stream().allMatch(c -> c.closed);
            if (all) stopReader();
        }
    }
}
