package io.fastgpu.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idle autostop on the local backend: off unless asked; when asked, the sandbox stops itself (or, with
 * {@code down: true}, is released) once idle, with no FastGPU process alive; {@code fastgpu autostop} changes
 * it later, {@code ls} shows it, and a settings file gone bad keeps the last good settings.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LocalAutostopTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeAll
    static void shortLimits() { System.setProperty("fastgpu.test.shortLimits", "true"); }

    @AfterAll
    static void noShortLimits() { System.clearProperty("fastgpu.test.shortLimits"); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    @Test
    void anIdleSandboxStopsItselfAndDownReleasesIt() throws Exception {
        cli = new Cli(tmp);
        cli.run("launch", cli.job("nap", "name: nap\nafter: keep\nautostop: 2s\nsteps: [{name: a, run: 'sleep 3'}]\n")).expectExit(0);
        cli.run("launch", cli.job("gone", "name: gone\nafter: keep\nautostop: {idle: 2s, down: true}\nsteps: [{name: a, run: 'true'}]\n"))
                .expectExit(0);
        cli.run("launch", cli.job("plain", "name: plain\nafter: keep\nsteps: [{name: a, run: 'true'}]\n")).expectExit(0);
        await(s -> "stopped".equals(s.get("task0.nap")) && !s.containsKey("task0.gone"), Duration.ofSeconds(30));
        Thread.sleep(3_000);
        assertThat(cli.states()).as("local machines get no autostop unless asked").containsEntry("task0.plain", "running");
    }

    @Test
    void autostopChangesItLaterAndLsShowsIt() throws Exception {
        cli = new Cli(tmp);
        cli.run("launch", cli.job("later", "name: later\nafter: keep\nsteps: [{name: a, run: 'true'}]\n")).expectExit(0);
        assertThat(cli.run("ls").expectExit(0).out()).doesNotContain("Autostop");
        cli.run("autostop", "task0.later", "40s").expectExit(0);
        // The new watchdog's first look may see FastGPU's own command that started it (busy); its next one, a few
        // seconds later, counts the machine idle.
        java.util.regex.Pattern idleShown = java.util.regex.Pattern.compile("task0\\.later .*\\| 40s +\\| \\d+s");
        Cli.Result ls = cli.run("ls").expectExit(0);
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15); !idleShown.matcher(ls.out()).find() && System.nanoTime() < end; ) {
            Thread.sleep(1000);
            ls = cli.run("ls").expectExit(0);
        }
        assertThat(ls.out()).contains("Autostop", "Idle").containsPattern(idleShown);
        // A settings file gone bad: the watchdog keeps the last good ones and says why.
        Path dir = instanceHome("task0.later").resolve(".fastgpu/watchdog");
        Files.writeString(dir.resolve("settings"), "idle=soon\n");
        await(s -> log(dir).contains("settings file is corrupt (idle='soon'): keeping idle=40"), Duration.ofSeconds(20),
                () -> "watchdog folder " + dir + ": " + listing(dir) + "; log: " + log(dir));
        assertThat(cli.states()).containsEntry("task0.later", "running");
        cli.run("autostop", "task0.later", "2s").expectExit(0);
        await(s -> "stopped".equals(s.get("task0.later")), Duration.ofSeconds(30));
        assertThat(cli.run("autostop", "task0.later", "0m").expectExit(2).err().strip())
                .isEqualTo("error: autostop: '0m' is not a positive duration; write at least 1s, or 'off'");
    }

    private Path instanceHome(String name) throws Exception {
        try (var dirs = Files.list(cli.home().resolve("local/instances"))) {
            for (Path d : dirs.toList()) {
                if (Files.readString(d.resolve("instance.properties")).contains("name=" + name)) return d.resolve("home");
            }
        }
        throw new AssertionError("no local instance " + name);
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("watchdog.log"));
        } catch (Exception e) {
            return "";
        }
    }

    private static String listing(Path dir) {
        try (var files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString()).sorted().toList().toString();
        } catch (Exception e) {
            return "none";
        }
    }

    private void await(Predicate<Map<String, String>> done, Duration timeout) throws InterruptedException {
        await(done, timeout, () -> "");
    }

    private void await(Predicate<Map<String, String>> done, Duration timeout, java.util.function.Supplier<String> more)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(cli.states())) {
            if (System.nanoTime() > deadline) throw new AssertionError("states: " + cli.states() + "; " + more.get());
            Thread.sleep(300);
        }
    }
}
