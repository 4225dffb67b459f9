package io.fastgpu.core.transport;

/** Receives a command's output as raw bytes, in order per stream; called from reader threads. */
public interface OutputSink {
    void stdout(byte[] buffer, int length);

    void stderr(byte[] buffer, int length);

    OutputSink DISCARD = new OutputSink() {
        @Override public void stdout(byte[] buffer, int length) { }
        @Override public void stderr(byte[] buffer, int length) { }
    };
}
