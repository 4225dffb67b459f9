package io.fastgpu.cli;

import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu logs RUN [-f]}: a run's local log, however long, and following one that is still being written. */
class LogsCommandTest {
    private static final long MIB = 1024 * 1024;

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @Test
    void printsAllOfALogOver16MiB() throws IOException {
        Path log = writeLog(tmp.resolve("big.log"), 17 * MIB);
        finishedRun("big", log);

        Cli.Result r = cli.run("logs", "big").expectExit(0);

        byte[] printed = r.out().getBytes(StandardCharsets.UTF_8);
        // Every line, and multi-byte characters that straddle two pieces of the file whole.
        assertThat(Arrays.mismatch(printed, Files.readAllBytes(log)))
                .as("first byte where the output differs from the log (%d bytes printed of %d)", printed.length,
                        Files.size(log))
                .isEqualTo(-1);
    }

    /** A log well over the heap of the process that prints it: streamed, not read whole. */
    @Test
    void printsALogLargerThanItsHeapInConstantMemory() throws Exception {
        Path log = writeLog(tmp.resolve("huge.log"), 40 * MIB);
        finishedRun("huge", log);
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "logs", "huge"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cli.workDir().toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(cli.childEnvironment());
        Process p = pb.start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("fastgpu logs finished in 60 s").isTrue();
        } finally {
            p.destroyForcibly();
        }
        assertThat(p.exitValue()).as("exit code; stderr: %s", Files.readString(err)).isZero();
        assertThat(Files.mismatch(log, out)).as("first byte where the output differs from the log").isEqualTo(-1L);
    }

    /**
     * Follows a running launch: prints what was there, then what is added (a character split across two reads
     * printed whole), until the run ends.
     */
    @Test
    void followPrintsWhatIsAddedUntilTheRunEnds() throws Exception {
        byte[] snowman = "☃".getBytes(StandardCharsets.UTF_8);
        Path log = tmp.resolve("follow.log");
        Files.write(log, concat("first\n".getBytes(StandardCharsets.UTF_8), new byte[] {snowman[0], snowman[1]}));
        long id;
        try (StateStore state = StateStore.open(cli.home())) {
            id = state.startRun("job", "follow", "local", "/runs/follow", log.toString());
        }
        try (ForkedCli logs = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "logs", "-f", "follow")) {
            assertThat(logs.awaitLine("first", Duration.ofSeconds(30))).as("printed what was there: %s", logs.output())
                    .isTrue();
            Thread.sleep(300); // a few more polls see nothing new
            Files.write(log, concat(new byte[] {snowman[2]}, "\nsecond\n".getBytes(StandardCharsets.UTF_8)),
                    StandardOpenOption.APPEND);
            assertThat(logs.awaitLine("second", Duration.ofSeconds(10))).as("printed what was added: %s", logs.output())
                    .isTrue();
            assertThat(logs.awaitExit(500)).as("still following a running run").isFalse();

            try (StateStore state = StateStore.open(cli.home())) {
                state.finishRun(id, RunRecord.SUCCEEDED, 0);
            }
            assertThat(logs.awaitExit(10_000)).as("stopped once the run ended").isTrue();
            assertThat(logs.exitCode()).isZero();
            assertThat(logs.output()).isEqualTo("first\n☃\nsecond");
        }
    }

    /** A launch killed without a word never records its end; following it still ends. */
    @Test
    void followEndsWhenTheLaunchWasKilledWithoutAWord() throws Exception {
        Path log = Files.writeString(tmp.resolve("killed.log"), "before the kill\n");
        long id;
        try (StateStore state = StateStore.open(cli.home())) {
            id = state.startRun("job", "killed", "local", "/runs/killed", log.toString());
        }
        Process p = new ProcessBuilder("true").start();
        long start = p.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        p.waitFor();
        String bootId = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + cli.home().resolve("state.db"));
             PreparedStatement ps = c.prepareStatement("UPDATE runs SET launcher = ? WHERE id = ?")) {
            ps.setString(1, bootId + ":" + p.pid() + ":" + start);
            ps.setLong(2, id);
            ps.executeUpdate();
        }

        Cli.Result r = CompletableFuture.supplyAsync(() -> cli.run("logs", "-f", "killed")).get(30, TimeUnit.SECONDS);

        assertThat(r.expectExit(0).out()).isEqualTo("before the kill\n");
    }

    @Test
    void aLogThatIsGoneIsNamed() {
        Path log = tmp.resolve("deleted.log");
        finishedRun("deleted", log);

        Cli.Result r = cli.run("logs", "deleted").expectExit(1);

        assertThat(r.err()).contains(log + ", is gone");
    }

    private void finishedRun(String name, Path log) {
        try (StateStore state = StateStore.open(cli.home())) {
            long id = state.startRun("job", name, "local", "/runs/" + name, log.toString());
            state.finishRun(id, RunRecord.SUCCEEDED, 0);
        }
    }

    /** Numbered lines of mixed ASCII and multi-byte characters, at least {@code size} bytes, ending in a newline. */
    private static Path writeLog(Path file, long size) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            long written = 0;
            for (long n = 0; written < size; n++) {
                byte[] line = ("task" + (n % 8) + "> step " + n + " loss=0." + (n * 7919 % 100_000)
                        + (n % 3 == 0 ? " ünï☃ 日本語" : "") + "\n").getBytes(StandardCharsets.UTF_8);
                out.write(line);
                written += line.length;
            }
        }
        return file;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
