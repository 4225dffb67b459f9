package io.fastgpu.core.runtime;

import io.fastgpu.api.CommandFailedException;
import io.fastgpu.api.CommandTimeoutException;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.RunOptions;
import io.fastgpu.api.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * cd, export, sourced environments, functions and aliases carry over between runs, as in one shell, on
 * every backend. A backend's test extends this and says how to make a job there.
 */
public abstract class ShellStateSuite {
    @TempDir Path home;
    FastGpu fg;
    Task task;

    /** The job options that put a job named {@code name} on the backend under test (skip if unavailable). */
    protected abstract JobOptions job(String name, Path home);

    /** Settings the backend under test needs (credentials and endpoints of a cloud); none by default. */
    protected java.util.Map<String, String> settings() { return java.util.Map.of(); }

    @BeforeEach
    void setUp() {
        fg = FastGpu.builder().home(home).settings(settings()).confirmer(q -> true).build();
        task = fg.makeJob(job("state", home)).task(0);
    }

    @AfterEach
    void tearDown() {
        if (task != null) task.kill();
        if (fg != null) fg.close();
    }

    @Test
    void workingDirectoryAndExportsPersist() {
        task.run("mkdir -p 'work dir/sub' && cd 'work dir/sub'");
        task.run("export GREETING='hello world' COUNT=3");
        task.run("LOCAL_ONLY=1");
        String out = task.runWithOutput("pwd; echo \"$GREETING/$COUNT/${LOCAL_ONLY:-unset}\"").stdout();
        assertThat(out.lines().toList().get(0)).endsWith("/work dir/sub");
        assertThat(out.lines().toList().get(1)).isEqualTo("hello world/3/unset");
    }

    @Test
    void aSourcedEnvironmentStaysActive() {
        task.write("venv/bin/activate", "export VIRTUAL_ENV=\"$PWD/venv\"\n"
                + "export PATH=\"$VIRTUAL_ENV/bin:$PATH\"\n"
                + "deactivate() { export PATH=\"${PATH#$VIRTUAL_ENV/bin:}\"; unset VIRTUAL_ENV; }\n");
        task.write("venv/bin/hello-tool", "#!/bin/sh\necho tool from venv\n");
        task.run("chmod +x venv/bin/hello-tool && source venv/bin/activate");
        assertThat(task.runWithOutput("hello-tool; type -t deactivate").stdout())
                .isEqualTo("tool from venv\nfunction\n");
        task.run("deactivate");
        assertThat(task.runWithOutput("echo \"[${VIRTUAL_ENV:-}]\"; command -v hello-tool || echo gone").stdout())
                .isEqualTo("[]\ngone\n");
    }

    @Test
    void aliasesAndFunctionsPersist() {
        task.run("alias greet='echo hi from alias'");
        task.run("shout() { echo \"${1^^}\"; }");
        assertThat(task.runWithOutput("greet\nshout quiet").stdout()).isEqualTo("hi from alias\nQUIET\n");
    }

    @Test
    void aCommandThatCannotChangeTheStateRunsInItAndEndsAsInAShell() {
        task.run("mkdir -p here && cd here && export ONLY_HERE=kept");
        task.write("bus.sh", "kill -BUS $$\n");
        // A program a signal ends: 128+n, as bash reports it, whatever runs the shell (sshd, srun, the JVM).
        assertThat(task.run("bash ../bus.sh", RunOptions.DEFAULT.ignoringErrors())).isEqualTo(128 + 7);
        assertThat(task.runWithOutput("pwd").stdout()).endsWith("/here\n");
        assertThat(task.runWithOutput("printenv ONLY_HERE").stdout()).isEqualTo("kept\n");
        assertThat(task.runWithOutput("printenv " + ProcessMarker.INSTANCE + " | wc -l").stdout().strip()).isEqualTo("1");
        assertThat(task.run("ls no-such-file 2> /dev/null", RunOptions.DEFAULT.ignoringErrors())).isEqualTo(2);
        assertThat(task.runWithOutput("no-such-program-here").exitCode()).isEqualTo(127);
    }

    @Test
    void aFunctionOrAliasNamedLikeAProgramStillHasItsChangesSaved() {
        task.run("hostname() { cd /tmp; export VIA_FUNCTION=1; }");
        task.run("alias nproc='export VIA_ALIAS=1'");
        task.run("hostname");
        task.run("nproc");
        assertThat(task.runWithOutput("pwd; echo $VIA_FUNCTION $VIA_ALIAS").stdout()).isEqualTo("/tmp\n1 1\n");
    }

    @Test
    void stateIsSavedEvenWhenTheCommandExitsOrFails() {
        assertThat(task.run("mkdir -p a && cd a && export MARK=1 && exit 4", RunOptions.DEFAULT.ignoringErrors())).isEqualTo(4);
        assertThat(task.runWithOutput("basename \"$PWD\"; echo $MARK").stdout()).isEqualTo("a\n1\n");
    }

    @Test
    void fastGpusFilesAreTheOwnersOnlyWhileCommandsKeepTheLoginsUmask() {
        String login = ((TaskRuntime) task).runRaw("umask").stdout().strip();
        task.run("export SAVED=1; touch made-by-a-command");
        assertThat(task.runNonBlocking("touch made-in-the-background").await(Duration.ofSeconds(30))).isZero();
        String out = task.runWithOutput("umask; stat -c %a made-by-a-command made-in-the-background;"
                + " cd .fastgpu && find . -path ./tmux.sock -prune -o -printf '%m %y %p\\n' | sort -k3").stdout();
        String fileMode = Integer.toOctalString(0666 & ~Integer.parseInt(login, 8));
        assertThat(out.lines().limit(3)).containsExactly(login, fileMode, fileMode);
        List<String> state = out.lines().skip(3).toList();
        assertThat(state).anyMatch(l -> l.endsWith(" ./shell/env")).anyMatch(l -> l.endsWith(".run"))
                .anyMatch(l -> l.endsWith(".exit")).anyMatch(l -> l.endsWith(".logpath"))
                .allMatch(l -> l.startsWith("600 f ") || l.startsWith("700 d "), "owner-only");
    }

    @Test
    void concurrentCommandsOnOneTaskEachKeepTheirChanges() throws Exception {
        task.run("mkdir -p sub && export BASE=0 DOOMED=1 && alias base='echo base'");
        TaskRuntime t = (TaskRuntime) task;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                // A task handle of its own each, as eight 'fastgpu exec' would have; all running at once.
                TaskRuntime exec = fg.task(fg.provider(t.instance().backend()), t.instance());
                String extra = switch (i) {
                    case 0 -> "; cd sub";
                    case 1 -> "; unset DOOMED";
                    case 2 -> "; greet() { echo hi from f$((1+1)); }";
                    default -> "";
                };
                String cmd = "export VAR_" + i + "=v" + i + extra + "; sleep 1";
                runs.add(pool.submit(() -> exec.run(cmd, RunOptions.DEFAULT)));
            }
            for (Future<Integer> r : runs) assertThat(r.get(2, TimeUnit.MINUTES)).isZero();
        } finally {
            pool.shutdownNow();
        }
        String out = task.runWithOutput("for i in 0 1 2 3 4 5 6 7; do v=VAR_$i; printf '%s ' \"${!v:-missing}\"; done;"
                + " echo \"$BASE ${DOOMED:-unset} $(basename \"$PWD\")\"; base; greet").stdout();
        assertThat(out).isEqualTo("v0 v1 v2 v3 v4 v5 v6 v7 0 unset sub\nbase\nhi from f2\n");
    }

    @Test
    void perCallEnvironmentDoesNotLeak() {
        task.run("echo $ONCE", RunOptions.DEFAULT.withEnv(java.util.Map.of("ONCE", "x")));
        assertThat(task.runWithOutput("echo \"[${ONCE:-}]\"").stdout()).isEqualTo("[]\n");
    }

    @Test
    void aFailureCarriesExitCodeAndOutputTail() {
        assertThatThrownBy(() -> task.run("for i in $(seq 1 40); do echo line$i; done; echo boom >&2; exit 9"))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.exitCode()).isEqualTo(9);
                    assertThat(e.getMessage()).contains("task0.state").contains("exit code 9");
                    assertThat(e.outputTail()).contains("line40").contains("boom").doesNotContain("line10\n");
                });
    }

    @Test
    void aTimeoutKillsTheCommand() {
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> task.run("sleep 313", RunOptions.DEFAULT.withTimeout(Duration.ofMillis(500))))
                .isInstanceOf(CommandTimeoutException.class).hasMessageContaining("timed out");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));
        // Killed along with the command (its exit may still be finishing on a loaded machine), not left running.
        assertThat(Processes.stillRunning("sleep 313", Duration.ofSeconds(3))).isEmpty();
    }
}
