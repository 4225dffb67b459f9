package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu exec}: commands on one task or a group, in the shell state the job left. */
class ExecCommandTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
        // the step leaves each task in ~/work with WHO exported
        cli.run("launch", cli.job("duo", """
                name: duo
                machines: 2
                after: keep
                steps:
                  - name: settle
                    on: all
                    run: mkdir -p work && cd work && export WHO=task$FASTGPU_NODE_RANK
                """)).expectExit(0);
    }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    @Test
    void printsTheOutputPrefixedWithTheTask() {
        Cli.Result r = cli.run("exec", "task0.duo", "--", "echo", "hi").expectExit(0);

        assertThat(r.outLines()).containsExactly("task0> hi");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void runsOnEveryTaskOfAGroup() {
        Cli.Result r = cli.run("exec", "{duo}", "--", "echo I am $WHO").expectExit(0);

        assertThat(r.outLines()).containsExactlyInAnyOrder("task0> I am task0", "task1> I am task1");
    }

    @Test
    void seesTheWorkingFolderTheLaunchLeft() {
        Cli.Result r = cli.run("exec", "task1.duo", "--", "pwd").expectExit(0);

        assertThat(r.outLines()).singleElement().asString().startsWith("task1> /").endsWith("/home/work");
    }

    @Test
    void keepsShellStateFromOneExecToTheNext() {
        cli.run("exec", "task0.duo", "--", "cd .. && export COLOR=blue").expectExit(0);

        Cli.Result r = cli.run("exec", "task0.duo", "--", "echo $COLOR $(basename $PWD)").expectExit(0);

        assertThat(r.outLines()).containsExactly("task0> blue home");
    }

    @Test
    void aFailingCommandExitsOneNamingTheTaskAndItsExitCode() {
        Cli.Result r = cli.run("exec", "{duo}", "--", "test \"$WHO\" = task0 || exit 3").expectExit(1);

        assertThat(r.errLines()).containsExactly("error: task1.duo exited with 3");
    }

    @Test
    void withStdinEveryTaskOfAGroupReadsACopyOfTheInput() {
        Cli.Result r = cli.runWithInput("one\ntwo\n", "exec", "-i", "{duo}", "--", "cat; echo \"$WHO read it\"").expectExit(0);

        assertThat(r.outLines()).containsExactlyInAnyOrder("task0> one", "task0> two", "task0> task0 read it",
                "task1> one", "task1> two", "task1> task1 read it");
    }

    @Test
    void withoutStdinTheCommandReadsTheEndOfItsInputAtOnce() {
        Cli.Result r = cli.runWithInput("not for it\n", "exec", "task0.duo", "--", "cat; echo end").expectExit(0);

        assertThat(r.outLines()).containsExactly("task0> end");
    }

    @Test
    void aTaskThatStopsReadingDoesNotHoldUpTheOthersInput() {
        String many = "x".repeat(1000) + "\n";
        String input = many.repeat(10_000); // 10 MB: more than a task's copy holds while another reads
        Cli.Result r = cli.runWithInput(input, "exec", "--stdin", "{duo}", "--",
                "if [ $WHO = task0 ]; then head -c 10 > /dev/null; echo stopped; else wc -c; fi").expectExit(0);

        assertThat(r.outLines()).containsExactlyInAnyOrder("task0> stopped", "task1> " + input.length());
    }

    @Test
    void rawWithStdinKeepsTheShellStateTheCommandChanges() {
        Cli.Result r = cli.runWithInput("piped\n", "exec", "-i", "--raw", "task0.duo", "--", "cd .. && cat").expectExit(0);
        assertThat(r.out()).isEqualTo("piped\n");

        assertThat(cli.run("exec", "--raw", "task0.duo", "--", "basename $PWD").expectExit(0).out()).isEqualTo("home\n");
    }

    @Test
    void rawPrintsTheOutputAsIs() {
        Cli.Result r = cli.run("exec", "--raw", "task0.duo", "--", "echo hi; echo oops >&2").expectExit(0);

        assertThat(r.out()).isEqualTo("hi\n");
        assertThat(r.err()).isEqualTo("oops\n");
    }

    @Test
    void rawPassesFailureOn() {
        Cli.Result r = cli.run("exec", "--raw", "task0.duo", "--", "echo partial; exit 9").expectExit(1);

        assertThat(r.out()).isEqualTo("partial\n");
    }

    @Test
    void rawNeedsASingleInstance() {
        Cli.Result r = cli.run("exec", "--raw", "{duo}", "--", "echo hi").expectExit(1);

        assertThat(r.err()).contains("'{duo}' matches 2 instances; name one of them");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void timeoutEndsALongCommand() {
        long start = System.nanoTime();

        Cli.Result r = cli.run("exec", "--timeout", "1", "task0.duo", "--", "sleep 30").expectExit(1);

        assertThat((System.nanoTime() - start) / 1_000_000_000L).isLessThan(15);
        assertThat(r.err()).startsWith("error: task0.duo: ");
    }

    @Test
    void aStoppedInstanceIsRefusedWithAHint() {
        cli.run("stop", "task0.duo").expectExit(0);

        Cli.Result r = cli.run("exec", "task0.duo", "--", "echo hi").expectExit(1);

        assertThat(r.err()).contains("task0.duo is stopped; start it with 'fastgpu start task0.duo'");
        assertThat(r.out()).isEmpty();
    }
}
