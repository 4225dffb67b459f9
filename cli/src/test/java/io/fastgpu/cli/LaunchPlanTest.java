package io.fastgpu.cli;

import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The launch as a plan of steps: a dry run, interrupts at any phase, one launch of a job at a time, where it lives. */
class LaunchPlanTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    /** This machine's processes that run {@code command} itself ({@code sleep 327}), not a shell around it. */
    static java.util.List<Long> processes(String command) {
        java.util.regex.Pattern exactly = java.util.regex.Pattern.compile("(\\S*/)?" + java.util.regex.Pattern.quote(command));
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().map(c -> exactly.matcher(c).matches()).orElse(false))
                .map(ProcessHandle::pid).toList();
    }

    private RunRecord latestRun(String name) {
        try (StateStore state = StateStore.open(cli.home())) {
            return state.latestRun(name).orElseThrow();
        }
    }

    @Test
    void aDryRunPrintsThePlanAndChangesNothing() {
        String job = cli.job("dry", "name: dry\nmachines: 2\nsetup: echo set\nupload: [data]\n"
                + "steps:\n  - {name: train, run: python3 train.py, on: all}\ndownload: [model.pth]\n");
        cli.write("dry/data/a.txt", "a");
        Cli.Result r = cli.run("launch", job, "--dry-run").expectExit(0);
        assertThat(r.out()).contains("Plan of run dry (job dry, 2 machine(s) on local)")
                .contains("task0.dry: create on local").contains("task1.dry: create on local")
                .containsPattern("1\\. init").containsPattern("2\\. setup").containsPattern("3\\. upload")
                .containsPattern("4\\. train +on every task: python3 train.py").containsPattern("5\\. download")
                .containsPattern("6\\. stop").contains("Dry run: nothing was bought, started or changed.");
        assertThat(cli.states()).isEmpty();
        assertThat(Files.exists(cli.home().resolve("state.db")) ? runs() : 0).isZero();
    }

    private int runs() {
        try (StateStore state = StateStore.open(cli.home())) {
            return state.runs(10).size();
        }
    }

    @Test
    void ctrlCDuringSetupEndsItStopsTheMachineAndRecordsTheRunAsInterrupted() throws Exception {
        String job = cli.job("cut", "name: cut\nsetup: sleep 327\nsteps:\n  - {name: never, run: echo never ran}\n");
        try (ForkedCli launch = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", job, "--yes")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !processes("sleep 327").isEmpty());
            launch.signal("INT");
            assertThat(launch.awaitExit(30_000)).as(launch.output()).isTrue();
            assertThat(launch.exitCode()).as(launch.output()).isEqualTo(130);
            assertThat(launch.output()).contains("interrupted (SIGINT): applying 'after: stop'")
                    .contains("interrupted: launch interrupted; the machines got 'after: stop'").doesNotContain("never ran");
        }
        assertThat(processes("sleep 327")).isEmpty();
        assertThat(cli.states()).containsEntry("task0.cut", "stopped");
        assertThat(latestRun("cut").status()).isEqualTo(RunRecord.INTERRUPTED);
        assertThat(latestRun("cut").exitCode()).isEqualTo(130);
    }

    @Test
    void sigtermDuringAStepStopsTheMachineAndRecordsTheRun() throws Exception {
        String job = cli.job("term", "name: term\nsteps:\n  - {name: long, run: sleep 328}\n  - {name: after, run: echo never}\n");
        try (ForkedCli launch = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", job)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !processes("sleep 328").isEmpty());
            launch.signal("TERM");
            assertThat(launch.awaitExit(30_000)).as(launch.output()).isTrue();
            assertThat(launch.exitCode()).isEqualTo(130);
        }
        assertThat(processes("sleep 328")).isEmpty();
        assertThat(cli.states()).containsEntry("task0.term", "stopped");
        assertThat(latestRun("term").status()).isEqualTo(RunRecord.INTERRUPTED);
    }

    @Test
    void aSecondLaunchOfTheSameJobIsRefusedNamingTheFirst() throws Exception {
        String job = cli.job("once", "name: once\nsteps:\n  - {name: long, run: sleep 329}\n");
        try (ForkedCli first = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", job)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !processes("sleep 329").isEmpty());
            var running = processes("sleep 329");
            Cli.Result second = cli.run("launch", job).expectExit(1);
            assertThat(second.err()).contains("job once is being launched by process " + first.pid() + " (since ")
                    .contains("a job is launched by one process at a time");
            assertThat(processes("sleep 329")).isEqualTo(running); // the first one's step was left alone
            first.signal("INT");
            assertThat(first.awaitExit(30_000)).isTrue();
        }
        // Once the first has ended, the job can be launched again.
        cli.write("once/job.yaml", "name: once\nsteps:\n  - {name: short, run: echo again}\n");
        assertThat(cli.run("launch", job).expectExit(0).out()).contains("task0> again");
    }

    @Test
    void aJobWhoseMachinesLiveOnAnotherBackendIsNotLaunchedThereSilently() {
        String job = cli.job("home", "name: home\nsteps:\n  - {name: s, run: 'true'}\n");
        cli.run("launch", job).expectExit(0);
        Cli.Result r = cli.run("launch", job, "--backend", "ssh", "--fleet", "nosuchfleet").expectExit(2);
        assertThat(r.err()).contains("job home already has machines on backend local (task0.home stopped), not ssh")
                .contains("'fastgpu kill {home}'");
    }

    @Test
    void eachRunDownloadsIntoAFolderNamedLikeItsLogFolder() {
        String job = cli.job("twice", "name: twice\nsteps:\n  - {name: s, run: 'echo $FASTGPU_LOGDIR > where.txt'}\n"
                + "download: [where.txt]\n");
        cli.run("launch", job).expectExit(0);
        cli.run("launch", job).expectExit(0);
        Path out = cli.workDir().resolve("fastgpu-out");
        assertThat(out.resolve("twice/where.txt")).content().endsWith("/runs/twice\n");
        assertThat(out.resolve("twice.01/where.txt")).content().endsWith("/runs/twice.01\n");
    }

    @Test
    void aFullDiskNeverSkipsAfterAndIsReported() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a small file system needs root");
        Path small = Files.createDirectories(tmp.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a tmpfs here");
        try {
            Cli full = new Cli(small);
            String job = full.job("full", "name: full\nsteps:\n  - {name: noisy, run: seq 1 300000}\n"
                    + "  - {name: next, run: echo next}\n");
            Cli.Result r = full.run("launch", job);
            assertThat(r.err()).as(r.toString()).contains("warning: the launch's output is not kept");
            assertThat(r.out()).as(r.toString()).contains("task0> next").contains("The machines are stopped");
            assertThat(full.states()).containsEntry("task0.full", "stopped");
            assertThat(processes("seq 1 300000")).isEmpty();
        } finally {
            new ProcessBuilder("umount", "-l", small.toString()).start().waitFor();
        }
    }

    @Test
    void aRelaunchAfterSigkillEndsTheKilledLaunchsStepFirst() throws Exception {
        String job = cli.job("stale", "name: stale\nsteps:\n  - {name: long, run: sleep 333}\n");
        try (ForkedCli first = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", job)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !processes("sleep 333").isEmpty());
            first.kill(); // SIGKILL: no 'after', the step's process lives on
        }
        assertThat(processes("sleep 333")).isNotEmpty();
        cli.write("stale/job.yaml", "name: stale\nsteps:\n  - {name: short, run: echo alone}\n");
        assertThat(cli.run("launch", job).expectExit(0).out()).contains("task0> alone");
        assertThat(processes("sleep 333")).isEmpty();
    }
}
