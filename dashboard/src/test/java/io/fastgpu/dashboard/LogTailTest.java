package io.fastgpu.dashboard;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;

/** Following a growing log: whole lines only, each to its task, from where the last read stopped. */
class LogTailTest {
    @TempDir Path dir;

    @Test
    void readsWholeLinesPerTaskAndWaitsForALineToEnd() throws Exception {
        Path log = dir.resolve("run.log");
        assertThat(LogTail.read(log, 0).lines()).isEmpty(); // not written yet

        Files.writeString(log, "== training\ntask0> epoch 1\ntask1> epoch 1 on task1\ntask0> half a li");
        LogTail.Chunk first = LogTail.read(log, 0);
        assertThat(first.lines()).containsExactly(new LogTail.Line("launch", "== training"),
                new LogTail.Line("task0", "epoch 1"), new LogTail.Line("task1", "epoch 1 on task1"));

        Files.writeString(log, "ne, ended\r\n-- a notice\n", StandardOpenOption.APPEND);
        LogTail.Chunk second = LogTail.read(log, first.next());
        assertThat(second.lines()).containsExactly(new LogTail.Line("task0", "half a line, ended"),
                new LogTail.Line("launch", "-- a notice"));
        assertThat(second.next()).isEqualTo(Files.size(log));
        assertThat(LogTail.read(log, second.next()).lines()).isEmpty();
    }

    @Test
    void aLogLargerThanOnePieceComesInSeveralReadsWithNothingLost() throws Exception {
        Path log = dir.resolve("big.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40_000; i++) text.append("task0> line ").append(i).append(" é\n");
        Files.writeString(log, text, StandardCharsets.UTF_8);
        long offset = 0;
        int lines = 0;
        int reads = 0;
        for (LogTail.Chunk c; !(c = LogTail.read(log, offset)).lines().isEmpty(); offset = c.next(), reads++) {
            for (LogTail.Line l : c.lines()) assertThat(l.text()).isEqualTo("line " + lines++ + " é");
        }
        assertThat(lines).isEqualTo(40_000);
        assertThat(reads).isGreaterThan(1);
    }
}
