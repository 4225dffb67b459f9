package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu launch} of jobs that succeed, on the local backend. */
class LaunchCommandTest {
    /** A name with a space and a non-ASCII letter, where this JVM can write file names in UTF-8. */
    private static final String ODD_NAME =
            Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).newEncoder().canEncode("é")
                    ? "my file é.txt" : "my file.txt";

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    /** Uploads data/ (one file ignored), runs two steps sharing shell state, downloads what they made. */
    private String demoJob() {
        cli.write("demo/data/" + ODD_NAME, "payload\n");
        cli.write("demo/data/secret.txt", "must stay here\n");
        cli.write("demo/data/.gitignore", "secret.txt\n");
        return cli.job("demo", """
                name: demo
                upload: [data]
                env: {GREETING: "hello from env"}
                steps:
                  - name: enter data
                    run: cd data && export MARK=set-by-step-one
                  - name: produce
                    run: |
                      ls -A | LC_ALL=C sort > ../listing.txt
                      echo "$GREETING $MARK in $(basename "$PWD")" > result.txt
                      cat result.txt
                download: [data/result.txt, listing.txt]
                """);
    }

    @Test
    void runsTheJobEndToEndAndStopsTheMachine() throws Exception {
        Cli.Result r = cli.run("launch", demoJob(), "--out", "results").expectExit(0);

        // live output, prefixed with the task, shows the second step saw the first one's cd and export
        assertThat(r.outLines()).contains("task0> hello from env set-by-step-one in data");
        // downloads went to --out/<run name>, each under its path relative to the task's home
        Path out = cli.workDir().resolve("results/demo");
        assertThat(out.resolve("data/result.txt")).hasContent("hello from env set-by-step-one in data");
        assertThat(Files.readAllLines(out.resolve("listing.txt"))).containsExactly(".gitignore", ODD_NAME);
        assertThat(r.out()).contains("Downloads are in " + out);
        assertThat(cli.states()).isEqualTo(Map.of("task0.demo", "stopped"));
    }

    @Test
    void reportsTheTimeOfEveryPhase() {
        Cli.Result r = cli.run("launch", demoJob(), "--out", "results").expectExit(0);

        assertThat(r.out()).contains("Timing of run demo");
        for (String phase : new String[]{"init", "upload", "enter data", "produce", "download", "stop", "total"}) {
            assertThat(r.out()).containsPattern("(?m)^  " + phase + " +\\d+\\.\\d\\ds$");
        }
        assertThat(r.out()).doesNotContain("failed");
        assertThat(r.err()).contains("== produce", "== produce done in ");
    }

    @Test
    void tellsWhatToDoNextWithTheStoppedMachine() {
        Cli.Result r = cli.run("launch", demoJob()).expectExit(0);

        assertThat(r.out()).contains("The machines are stopped",
                "'fastgpu ls --stop'", "'fastgpu start task0.demo'", "'fastgpu kill task0.demo'");
        assertThat(cli.workDir().resolve("fastgpu-out/demo/data/result.txt")).exists();
    }

    @Test
    void afterKeepLeavesTheMachineRunning() {
        String job = cli.job("kept", """
                name: kept
                steps: [{name: only, run: echo one}]
                after: keep
                """);

        Cli.Result r = cli.run("launch", job).expectExit(0);

        assertThat(r.out()).contains("The machines are still running", "'fastgpu stop task0.kept'");
        assertThat(r.out()).doesNotContainPattern("(?m)^  stop ");
        assertThat(cli.states()).isEqualTo(Map.of("task0.kept", "running"));
    }

    @Test
    void keepOptionOverridesAfterStop() {
        String job = cli.job("plain", "name: plain\nsteps: [{name: only, run: echo one}]\n");

        cli.run("launch", "--keep", job).expectExit(0);

        assertThat(cli.states()).isEqualTo(Map.of("task0.plain", "running"));
    }

    @Test
    void afterKillReleasesTheMachine() {
        String job = cli.job("gone", """
                name: gone
                steps: [{name: only, run: echo one}]
                after: kill
                """);

        Cli.Result r = cli.run("launch", job).expectExit(0);

        assertThat(r.out()).contains("The machines were released.").containsPattern("(?m)^  kill +\\d");
        assertThat(cli.instances()).isEmpty();
    }

    @Test
    void aSecondLaunchReusesTheStoppedMachineAndItsFiles() {
        String job = cli.job("again", """
                name: again
                steps: [{name: count, run: echo x >> runs.txt && wc -l < runs.txt}]
                """);
        cli.run("launch", job).expectExit(0);

        Cli.Result second = cli.run("launch", job).expectExit(0);

        assertThat(second.err()).contains("Starting stopped task0.again");
        assertThat(second.outLines()).contains("task0> 2");
        assertThat(cli.states()).isEqualTo(Map.of("task0.again", "stopped"));
    }

    @Test
    void aJobFileCanBeNamedDirectly() {
        cli.write("jobs/other-name.yaml", "name: direct\nsteps: [{name: only, run: echo direct-ok}]\nafter: kill\n");

        Cli.Result r = cli.run("launch", "jobs/other-name.yaml").expectExit(0);

        assertThat(r.outLines()).contains("task0> direct-ok");
    }

    @Test
    void downloadsOfTheSameNameKeepTheirPathsAndAMissingOneHoldsBackNoOther() {
        String job = cli.job("twins", """
                name: twins
                steps: [{name: make, run: mkdir -p a b && echo A > a/model.pth && echo B > b/model.pth}]
                download: [a/model.pth, missing.pth, b/model.pth]
                after: kill
                """);

        Cli.Result r = cli.run("launch", job, "--out", "results").expectExit(1);

        Path out = cli.workDir().resolve("results/twins");
        assertThat(out.resolve("a/model.pth")).hasContent("A");
        assertThat(out.resolve("b/model.pth")).hasContent("B");
        assertThat(r.err()).containsPattern("error: download: 1 of 3 not brought back: 'missing.pth' \\(.*missing.pth does not "
                + "exist; nothing to download\\); the other 2 are in " + java.util.regex.Pattern.quote(out.toString()));
    }

    @Test
    void anUploadFromOutsideTheJobFolderLandsWhereItSays(@TempDir Path elsewhere) throws Exception {
        Files.createDirectories(elsewhere.resolve("set"));
        Files.writeString(elsewhere.resolve("set/rows.csv"), "1,2\n");
        String job = cli.job("shipped", """
                name: shipped
                upload: [{from: %s, to: input/data}]
                steps: [{name: look, run: cat input/data/rows.csv}]
                after: kill
                """.formatted(elsewhere.resolve("set")));

        Cli.Result r = cli.run("launch", job).expectExit(0);

        assertThat(r.outLines()).contains("task0> 1,2");
    }
}
