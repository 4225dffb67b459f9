package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobFileParserTest {
    @TempDir Path dir;

    private Path write(String yaml) throws IOException {
        return Files.writeString(dir.resolve("job.yaml"), yaml);
    }

    @Test
    void readsAFullJobFile() throws IOException {
        Files.createDirectories(dir.resolve("GTC"));
        write("""
                name: gtc-demo
                run_name: exp-1
                machines: 2
                backend: local
                resources: {instance_type: ecs.gn6v-c8g1.2xlarge, image: ubuntu, spot: true, disk_gb: 50}
                upload: GTC
                setup: |
                  echo once
                env: {A: "1", B: two}
                steps:
                  - {name: unzip data, run: cd GTC && unzip -o dataset.zip}
                  - {name: training, run: ./run.sh, on: all}
                download: [GTC/save_model.pth]
                after: kill
                """);
        JobFile j = JobFileParser.parse(dir);
        assertThat(j.name()).isEqualTo("gtc-demo");
        assertThat(j.runName()).isEqualTo("exp-1");
        assertThat(j.machines()).isEqualTo(2);
        assertThat(j.resources().instanceType()).isEqualTo("ecs.gn6v-c8g1.2xlarge");
        assertThat(j.resources().spot()).isTrue();
        assertThat(j.resources().diskGb()).isEqualTo(50);
        assertThat(j.upload()).containsExactly("GTC");
        assertThat(j.setup()).isEqualTo("echo once\n");
        assertThat(j.env()).containsEntry("A", "1").containsEntry("B", "two");
        assertThat(j.steps()).extracting(JobFile.Step::name).containsExactly("unzip data", "training");
        assertThat(j.steps().get(1).onAll()).isTrue();
        assertThat(j.download()).containsExactly("GTC/save_model.pth");
        assertThat(j.after()).isEqualTo(JobFile.After.KILL);
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws IOException {
        write("name: x\nsteps: [{name: s, run: 'true'}]\n");
        JobFile j = JobFileParser.parse(dir.resolve("job.yaml"));
        assertThat(j.machines()).isEqualTo(1);
        assertThat(j.backend()).isEqualTo("local");
        assertThat(j.runName()).isEqualTo("x");
        assertThat(j.after()).isEqualTo(JobFile.After.STOP);
        assertThat(j.steps().get(0).on()).isEqualTo("task0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed YAML          | name: x\\nsteps: [{name: s, run: 'a'}\\n  bad: [                 | malformed YAML
            unknown top-level key    | name: x\\nstepz: []                                              | unknown key 'stepz' (did you mean 'steps'?)
            unknown key in a step    | name: x\\nsteps:\\n  - {name: s, rn: ls}                        | unknown key 'rn' in steps[0] (did you mean 'run'?)
            unknown resources key    | name: x\\nresources: {gpu_type: v100}\\nsteps: [{name: s, run: ls}] | unknown key 'gpu_type' in resources
            invalid name             | name: Bad_Name\\nsteps: [{name: s, run: ls}]                  | name 'Bad_Name' is invalid
            missing name             | steps: [{name: s, run: ls}]                                   | 'name' is required
            zero machines            | name: x\\nmachines: 0\\nsteps: [{name: s, run: ls}]           | machines must be 1..256, was 0
            machines not a number    | name: x\\nmachines: two\\nsteps: [{name: s, run: ls}]         | job.yaml:2:11: wrong value in machines
            no steps                 | name: x                                                       | 'steps' is required
            step without run         | name: x\\nsteps: [{name: s}]                                  | steps[0] ('s') needs a 'run' command
            duplicate step names     | name: x\\nsteps: [{name: s, run: a}, {name: s, run: b}]       | step name 's' is used twice
            bad on                   | name: x\\nsteps: [{name: s, run: a, on: everyone}]            | on must be 'all' or 'taskN'
            on beyond machines       | name: x\\nsteps: [{name: s, run: a, on: task3}]               | but the job has 1 machine(s)
            bad after                | name: x\\nafter: explode\\nsteps: [{name: s, run: a}]         | after must be stop, kill or keep, was 'explode'
            missing upload           | name: x\\nupload: [nope]\\nsteps: [{name: s, run: a}]         | upload path 'nope' does not exist
            bad env name             | name: x\\nenv: {'1X': a}\\nsteps: [{name: s, run: a}]         | env: '1X' is not a valid variable name
            empty file               | ''                                                            | the job file is empty
            """)
    void badInputIsOneLineNamingFileAndProblem(String what, String yaml, String expected) throws IOException {
        write(yaml.replace("\\n", "\n").equals("''") ? "" : yaml.replace("\\n", "\n"));
        assertThatThrownBy(() -> JobFileParser.parse(dir))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining(expected)
                .hasMessageContaining("job.yaml")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aFolderWithoutJobYamlSaysSo() {
        assertThatThrownBy(() -> JobFileParser.parse(dir)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("no job.yaml in " + dir);
    }
}
