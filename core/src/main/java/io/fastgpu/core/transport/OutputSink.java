package io.fastgpu.core.transport;

/** Receives a command's output as raw bytes, in order per stream; called from reader threads. */
public interface OutputSink {
    void stdout(byte[] buffer, int length);

    void stderr(byte[] buffer, int length);

    OutputSink DISCARD = new OutputSink() {
        @Override public void stdout(byte[] buffer, int length) { }
        @Override public void stderr(byte[] buffer, int length) { }
    };

    /**
     * A daemon thread, named {@code thread}, that copies {@code in} (a local process's stdout, or its stderr when
     * {@code isErr}) to {@code sink} until it ends, and closes it; join it to know all was delivered.
     */
    static Thread pump(java.io.InputStream in, OutputSink sink, boolean isErr, String thread) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16384];
            try (in) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (isErr) sink.stderr(buf, n); else sink.stdout(buf, n);
                }
            } catch (java.io.IOException ignored) {
                // the process is gone; what was read has been delivered
            }
        }, thread);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
