package io.fastgpu.core.util;

import java.io.IOException;
import java.io.InterruptedIOException;

/**
 * An input stream read chunk by chunk from somewhere that hands out whole chunks (a queue another thread fills, a
 * client asked for each one): a read returns what is left of the current chunk, and waits for the next one only when
 * nothing is left.
 */
public abstract class ChunkedInput extends BlockInput {
    private byte[] current = new byte[0];
    private int pos;
    private boolean ended;

    /**
     * Waits for the next chunk; an empty one is the end of the input.
     *
     * @param wanted how many bytes the read that needs it asks for
     */
    protected abstract byte[] next(int wanted) throws IOException, InterruptedException;

    /** Whether this input was closed: reads then find its end. */
    protected boolean closed() { return false; }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (ended || closed()) return -1;
        if (pos >= current.length) {
            try {
                current = next(len);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for input");
            }
            pos = 0;
            if (current.length == 0) {
                ended = true;
                return -1;
            }
        }
        int n = Math.min(len, current.length - pos);
        System.arraycopy(current, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public int available() { return ended || closed() ? 0 : current.length - pos; }
}
