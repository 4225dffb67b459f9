package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fastgpu ssh} and {@code tmux} hand the console to a child process that inherits this JVM's stdio, so
 * only commands that never read stdin run in-process; the interactive fallback of {@code tmux} runs in a
 * separate JVM whose stdin is empty.
 */
class SshTmuxTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
        cli.run("launch", cli.job("term", "name: term\nafter: keep\nsteps: [{name: a, run: touch marker}]\n"))
                .expectExit(0);
    }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    @Test
    void sshWithACommandReturnsItsExitCode() {
        assertThat(cli.run("ssh", "task0.term", "--", "exit", "3").exitCode()).isEqualTo(3);
    }

    @Test
    void sshRunsInTheInstancesHome() {
        cli.run("ssh", "task0.term", "--", "test -f marker && test \"$(pwd)\" = \"$HOME\"").expectExit(0);
    }

    @Test
    void sshToAnUnknownInstanceFails() {
        Cli.Result r = cli.run("ssh", "task0.trem", "--", "true").expectExit(1);

        assertThat(r.err()).contains("did you mean 'task0.term'");
    }

    @Test
    void tmuxWithoutASessionFallsBackToAShell() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path errFile = tmp.resolve("tmux.err");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.fastgpu.cli.Main", "tmux", "task0.term"))
                .directory(cli.workDir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))) // the fallback shell ends at once
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(errFile.toFile());
        pb.environment().put("FASTGPU_HOME", cli.home().toString());
        pb.environment().put("FASTGPU_AGENT", "off"); // a process of its own: no resident agent left behind
        Process p = pb.start();
        boolean done = p.waitFor(30, TimeUnit.SECONDS);
        if (!done) p.destroyForcibly().waitFor();
        String err = Files.readString(errFile, StandardCharsets.UTF_8);

        assertThat(done).as("tmux fallback ended; stderr: %s", err).isTrue();
        assertThat(err).contains("No tmux session on task0.term", "opening a shell instead");
        assertThat(p.exitValue()).as(err).isZero();
    }
}
