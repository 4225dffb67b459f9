package io.fastgpu.core.runtime;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One input copied to several commands, with real threads and streams. */
class InputCopiesTest {
    private static byte[] readAll(InputStream in) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[7919]; // reads that do not line up with the reader's chunks
            for (int n; (n = in.read(buf)) >= 0; ) out.write(buf, 0, n);
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyCopyGetsTheWholeInputThenItsEnd() throws Exception {
        byte[] data = new byte[(InputCopies.CHUNKS + 10) * 65536]; // more than a copy holds: the reader waits for each
        new Random(3).nextBytes(data);
        try (InputCopies copies = new InputCopies(new ByteArrayInputStream(data), 3)) {
            var reads = new java.util.ArrayList<CompletableFuture<byte[]>>();
            for (int i = 0; i < 3; i++) {
                InputStream c = copies.copy(i);
                reads.add(CompletableFuture.supplyAsync(() -> readAll(c)));
            }
            for (var r : reads) assertThat(r.get(30, TimeUnit.SECONDS)).isEqualTo(data);
        }
    }

    @Test
    void aCopyClosedUnreadHoldsTheOthersUpNoLonger() throws Exception {
        byte[] data = new byte[(InputCopies.CHUNKS * 3) * 65536];
        new Random(5).nextBytes(data);
        try (InputCopies copies = new InputCopies(new ByteArrayInputStream(data), 2)) {
            InputStream reader = copies.copy(1);
            var read = CompletableFuture.supplyAsync(() -> readAll(reader));
            Thread.sleep(300); // the reader fills copy 0, which nobody reads, and waits for it
            assertThat(read).isNotDone();
            copies.close(0); // its command ended without reading
            assertThat(read.get(30, TimeUnit.SECONDS)).isEqualTo(data);
            assertThat(copies.copy(0).read()).isEqualTo(-1);
        }
    }

    @Test
    void closingEveryCopyEndsAReadAndTheReaderWaitingForInputThatNeverComes() throws Exception {
        PipedOutputStream writer = new PipedOutputStream();
        PipedInputStream source = new PipedInputStream(writer);
        writer.write("one\n".getBytes(StandardCharsets.UTF_8));
        writer.flush();
        InputCopies copies = new InputCopies(source, 2);
        byte[] b = new byte[16];
        assertThat(new String(b, 0, copies.copy(0).read(b), StandardCharsets.UTF_8)).isEqualTo("one\n");
        var waiting = CompletableFuture.supplyAsync(() -> readAll(copies.copy(0)));
        Thread.sleep(200);
        assertThat(waiting).isNotDone();

        copies.close();

        assertThat(waiting.get(10, TimeUnit.SECONDS)).isEmpty();
        Thread reader = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("fastgpu-input-copies")).findFirst().orElse(null);
        if (reader != null) reader.join(5000);
        assertThat(reader == null || !reader.isAlive()).as("the reader thread has stopped").isTrue();
        writer.close();
    }

    @Test
    void nothingIsReadFromTheSourceBeforeACopyIsRead() throws Exception {
        var source = new ByteArrayInputStream("kept\n".getBytes(StandardCharsets.UTF_8));
        try (InputCopies copies = new InputCopies(source, 2)) {
            Thread.sleep(100);
            assertThat(source.available()).isEqualTo(5);
        }
    }
}
