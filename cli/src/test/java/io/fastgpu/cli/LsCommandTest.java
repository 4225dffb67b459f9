package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu ls}: the table, stopped instances, and JSON for scripts. */
class LsCommandTest {
    private static final String HEADER = "Instance Name | Age(hr) | Public IP | Private IP | GPU | Instance Type | State";

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    /** task0.grid running, task1.grid stopped. */
    private void oneRunningOneStopped() {
        cli.run("launch", cli.job("grid", "name: grid\nmachines: 2\nafter: keep\nsteps: [{name: a, run: 'true'}]\n"))
                .expectExit(0);
        cli.run("stop", "task1.grid").expectExit(0);
    }

    private static String row(List<String> lines, String name) {
        return lines.stream().filter(l -> l.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in " + lines));
    }

    @Test
    void withNoInstanceTheTableIsEmptyAndSaysHowToSeeStoppedOnes() {
        Cli.Result r = cli.run("ls").expectExit(0);

        assertThat(r.outLines()).contains("Running Instances:", HEADER,
                "(none running; 'fastgpu ls --stop' includes stopped ones)");
        assertThat(cli.run("ls", "--stop").expectExit(0).outLines()).contains("All Instances:", HEADER, "(none)");
    }

    @Test
    void lsShowsRunningInstancesOnly() {
        oneRunningOneStopped();

        Cli.Result r = cli.run("ls").expectExit(0);

        assertThat(r.outLines()).contains(HEADER);
        assertThat(row(r.outLines(), "task0.grid")).matches("task0\\.grid +\\| \\d+\\.\\d +\\| - +\\| 127\\.77\\.0\\.\\d+ +\\| - +\\| local +\\| running");
        assertThat(r.out()).doesNotContain("task1.grid");
    }

    @Test
    void lsStopShowsStoppedInstancesToo() {
        oneRunningOneStopped();

        Cli.Result r = cli.run("ls", "--stop").expectExit(0);

        assertThat(r.outLines()).contains("All Instances:", HEADER);
        assertThat(row(r.outLines(), "task0.grid")).endsWith("| running");
        assertThat(row(r.outLines(), "task1.grid")).endsWith("| stopped");
    }

    @Test
    void columnsLineUpUnderTheHeader() {
        oneRunningOneStopped();

        List<String> lines = cli.run("ls", "-s").expectExit(0).outLines();

        int header = lines.indexOf(HEADER);
        assertThat(lines.get(header - 1)).matches("-+").isEqualTo(lines.get(header + 1));
        String r0 = row(lines, "task0.grid");
        for (int bar = HEADER.indexOf('|'); bar >= 0; bar = HEADER.indexOf('|', bar + 1)) {
            assertThat(r0.charAt(bar)).as("column separator at %d in %s", bar, r0).isEqualTo('|');
        }
    }

    @Test
    void jsonHasOneObjectPerInstanceWithStableFields() {
        oneRunningOneStopped();

        List<JsonNode> all = cli.instances();

        assertThat(all).extracting(i -> i.get("name").asText()).containsExactly("task0.grid", "task1.grid");
        assertThat(all).extracting(i -> i.get("state").asText()).containsExactly("running", "stopped");
        assertThat(all).extracting(i -> i.get("private_ip").asText())
                .allMatch(ip -> ip.matches("127\\.77\\.0\\.\\d+")).doesNotHaveDuplicates();
        JsonNode first = all.get(0);
        assertThat(first.get("backend").asText()).isEqualTo("local");
        assertThat(first.get("tags").get("fastgpu:job").asText()).isEqualTo("grid");
        assertThat(first.has("id") && first.has("age_hours") && first.has("created_at")).isTrue();
    }

    @Test
    void jsonWithoutStopListsRunningOnes() {
        oneRunningOneStopped();

        Cli.Result r = cli.run("ls", "--json").expectExit(0);

        assertThat(r.out()).contains("\"task0.grid\"").doesNotContain("task1.grid").doesNotContain("Instance Name");
    }
}
