package io.fastgpu.cli;

import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import io.fastgpu.core.state.StepRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu launch} of a job whose step fails, and what is left to inspect afterwards. */
class LaunchFailureTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    private RunRecord latestRun(String name) {
        try (StateStore state = StateStore.open(cli.home())) {
            return state.latestRun(name).orElseThrow(() -> new AssertionError("no run " + name + " recorded"));
        }
    }

    private List<StepRecord> steps(long runId) {
        try (StateStore state = StateStore.open(cli.home())) {
            return state.steps(runId);
        }
    }

    /** Two machines; the step runs on both and fails on task1 only, with exit code 5. */
    private String twoMachineJob() {
        return cli.job("flaky", """
                name: flaky
                machines: 2
                steps:
                  - name: warm up
                    run: echo warm
                  - name: train
                    on: all
                    run: |
                      for i in $(seq 1 15); do echo "out-$i of task$FASTGPU_NODE_RANK"; done
                      [ "$FASTGPU_NODE_RANK" = 1 ] && exit 5
                      true
                  - name: never
                    run: echo SHOULD-NOT-RUN
                """);
    }

    @Test
    void failingStepExitsOneNamingStepTaskAndExitCodeWithTheOutputTail() {
        Cli.Result r = cli.run("launch", twoMachineJob()).expectExit(1);

        assertThat(r.err()).contains("error: step 'train' failed on task1.flaky with exit code 5");
        assertThat(r.err()).contains("last lines of its output:");
        assertThat(r.errLines()).contains("  out-15 of task1").doesNotContain("  out-5 of task1"); // ten lines at most
        assertThat(r.outLines()).contains("task1> out-1 of task1", "task0> out-15 of task0");
        assertThat(r.out()).containsPattern("(?m)^  train +\\d+\\.\\d\\ds  failed$");
    }

    @Test
    void laterStepsDoNotRunAndTheMachinesAreStillStopped() {
        Cli.Result r = cli.run("launch", twoMachineJob()).expectExit(1);

        assertThat(r.out()).doesNotContain("SHOULD-NOT-RUN").doesNotContainPattern("(?m)^  never ");
        assertThat(r.out()).containsPattern("(?m)^  stop +\\d").contains("'fastgpu start {flaky}'");
        assertThat(cli.states()).isEqualTo(Map.of("task0.flaky", "stopped", "task1.flaky", "stopped"));
    }

    @Test
    void theRunIsRecordedAsFailedWithTheStepsExitCode() {
        cli.run("launch", twoMachineJob()).expectExit(1);

        RunRecord run = latestRun("flaky");
        assertThat(run.status()).isEqualTo(RunRecord.FAILED);
        assertThat(run.exitCode()).isEqualTo(5);
        assertThat(run.finishedAt()).isNotNull();
        assertThat(steps(run.id())).extracting(StepRecord::name).containsExactly("init", "warm up", "train", "stop");
    }

    @Test
    void logsPrintsTheRecordedOutputOfTheFailedRun() {
        cli.run("launch", twoMachineJob()).expectExit(1);

        Cli.Result logs = cli.run("logs", "flaky").expectExit(0);

        assertThat(logs.outLines()).contains("== warm up", "task0> warm", "task1> out-15 of task1",
                "== stop");
        assertThat(logs.out()).containsPattern("(?m)^== train FAILED in \\d+\\.\\d\\ds$").doesNotContain("SHOULD-NOT-RUN");
    }

    @Test
    void logsOfAnUnknownRunFails() {
        Cli.Result r = cli.run("logs", "nothing-ran").expectExit(1);

        assertThat(r.errLines()).singleElement().asString().startsWith("error: no run 'nothing-ran'");
    }

    /** One machine, the default: the failing step's command is the whole story. */
    private String oneMachineJob() {
        return cli.job("solo", """
                name: solo
                steps:
                  - name: fine
                    run: echo fine
                  - name: broken
                    run: |
                      echo before-the-end
                      exit 7
                  - name: never
                    run: echo SHOULD-NOT-RUN
                """);
    }

    @Test
    void failingStepOnOneMachineStopsTheJobAndIsRecordedAsFailed() {
        Cli.Result r = cli.run("launch", oneMachineJob()).expectExit(1);

        assertThat(r.err()).contains("exit code 7");
        assertThat(r.out()).doesNotContain("SHOULD-NOT-RUN").containsPattern("(?m)^  broken +\\d+\\.\\d\\ds  failed$");
        assertThat(cli.states()).isEqualTo(Map.of("task0.solo", "stopped"));
        assertThat(latestRun("solo").status()).isEqualTo(RunRecord.FAILED);
        assertThat(cli.run("logs", "solo").expectExit(0).outLines()).contains("task0> before-the-end");
    }

    @Test
    void failingStepOnOneMachineNamesTheStepAndKeepsItsExitCode() {
        Cli.Result r = cli.run("launch", oneMachineJob()).expectExit(1);

        assertThat(r.err()).contains("error: step 'broken' failed on task0.solo with exit code 7",
                "last lines of its output:", "  before-the-end");
        RunRecord run = latestRun("solo");
        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(steps(run.id())).filteredOn(s -> s.name().equals("broken"))
                .singleElement().extracting(StepRecord::exitCode).isEqualTo(7);
    }
}
