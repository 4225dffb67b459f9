package io.fastgpu.core.job;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.files.UploadSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        assertThat(j.upload()).containsExactly(UploadSpec.inJobFolder("GTC"));
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

    private static final String STEPS = "steps: [{name: s, run: a}]\n";

    private void refused(String expected) {
        assertThatThrownBy(() -> JobFileParser.parse(dir))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "\u001b", "io.fastgpu"));
    }

    /** A file of megabytes is refused for its size before YAML reads it, whatever it holds. */
    @Test
    void aFileOverTheSizeLimitIsRefusedUpFrontSayingSizeAndLimit() throws IOException {
        StringBuilder yaml = new StringBuilder("name: x\nsteps:\n");
        for (int i = 0; yaml.length() < 2 * 1024 * 1024; i++) yaml.append("  - {name: s").append(i).append(", run: 'true'}\n");
        write(yaml.toString());

        refused("the job file is 2.0 MiB (" + Files.size(dir.resolve("job.yaml")) + " bytes), over the limit of 1.0 MiB");
    }

    @Test
    void bytesThatAreNotUtf8AreNamedWithTheirOffset() throws IOException {
        byte[] head = ("name: x\n" + STEPS + "# ").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(head, head.length + 3);
        bytes[head.length] = (byte) 0xC3; // a two-byte sequence cut short
        bytes[head.length + 1] = '(';
        bytes[head.length + 2] = '\n';
        Files.write(dir.resolve("job.yaml"), bytes);

        refused("job.yaml:3: not UTF-8 text: byte 0xC3 at byte offset " + head.length + " is not valid UTF-8");
    }

    @Test
    void randomBytesAreNotUtf8Text() throws IOException {
        byte[] bytes = new byte[4096];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(dir.resolve("job.yaml"), bytes);

        refused("not UTF-8 text: byte 0x");
    }

    @Test
    void aNulByteIsNamedWhereItIs() throws IOException {
        write("name: x\nsteps: [{name: s, run: a\0}]\n");

        refused("job.yaml:2:25: a NUL byte (U+0000) at byte offset 32");
    }

    @Test
    void aTopLevelListAsksForAMappingWithoutNamingInternalClasses() throws IOException {
        write("- name: x\n- steps: []\n");

        refused("job.yaml:1:1: expected a mapping of keys (name:, steps: ...) at the top level, found a list");
    }

    @Test
    void aTopLevelScalarAsksForAMapping() throws IOException {
        write("just some words\n");

        refused("expected a mapping of keys (name:, steps: ...) at the top level, found text");
    }

    @Test
    void aStepThatIsNotAMappingSaysWhatAStepIs() throws IOException {
        write("name: x\nsteps: [5]\n");

        refused("wrong value in steps[0]: expected a step {name: ..., run: ...}, found a number");
    }

    @Test
    void aTooLongNameStatesTheLimitAndSuggestsNoInvalidName() throws IOException {
        String name = "a".repeat(256);
        write("name: " + name + "\n" + STEPS);

        assertThatThrownBy(() -> JobFileParser.parse(dir)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("is 256 characters long; a job name has at most 63")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("a".repeat(64)));
    }

    @Test
    void anInvalidNameSuggestsAValidOneOnly() throws IOException {
        write("name: _\n" + STEPS);

        assertThatThrownBy(() -> JobFileParser.parse(dir)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("name '_' is invalid: use lower-case letters, digits and '-', starting and ending "
                        + "with a letter or digit, at most 63 characters")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("e.g."));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            escape sequence | "red\\e[31mtext" | an escape character (U+001B
            line break      | "two\\nlines"    | a line break (U+000A)
            right-to-left   | "abc\\u202Edef"  | control character U+202E
            """)
    void controlCharactersInStepNamesAreRefused(String what, String name, String expected) throws IOException {
        write("name: x\nsteps: [{name: " + name + ", run: a}]\n");

        refused("steps[0]: step name '");
        refused("' contains a control character (" + expected);
    }

    @Test
    void uploadOutsideTheJobFolderIsRefused() throws IOException {
        write("name: x\nupload: [../../../../etc/passwd]\n" + STEPS);
        refused("upload path '../../../../etc/passwd' is outside the job folder " + dir
                + "; to ship it on purpose write {from: ../../../../etc/passwd, to: passwd}");

        write("name: x\nupload: [/etc/hostname]\n" + STEPS);
        refused("upload path '/etc/hostname' is outside the job folder");

        write("name: x\nupload: ['../*']\n" + STEPS);
        refused("upload path '../*' is outside the job folder");
    }

    @Test
    void uploadThroughALinkOutOfTheJobFolderIsRefused(@TempDir Path elsewhere) throws IOException {
        Files.writeString(elsewhere.resolve("secret.txt"), "s");
        Files.createSymbolicLink(dir.resolve("data"), elsewhere);
        write("name: x\nupload: [data]\n" + STEPS);
        refused("upload path 'data' leads through a link to " + elsewhere.toRealPath() + ", outside the job folder");

        write("name: x\nupload: [data/secret.txt]\n" + STEPS);
        refused("upload path 'data/secret.txt' leads through a link to");
    }

    @Test
    void uploadFromAnywhereIsAcceptedWhenWrittenExplicitly(@TempDir Path elsewhere) throws IOException {
        Files.writeString(elsewhere.resolve("set.csv"), "1,2");
        Files.createDirectories(dir.resolve("code"));
        write("name: x\nupload:\n  - code\n  - {from: " + elsewhere + ", to: data/set}\n" + STEPS);

        JobFile j = JobFileParser.parse(dir);

        assertThat(j.upload()).containsExactly(UploadSpec.inJobFolder("code"), new UploadSpec(elsewhere.toString(), "data/set"));
        assertThat(j.upload().get(1)).hasToString("{from: " + elsewhere + ", to: data/set}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown key       | {from: code, too: x}    | upload[0]: unknown key 'too' (did you mean 'to'?)
            no to             | {from: code}            | {from: ..., to: ...} needs both
            absolute to       | {from: code, to: /etc}  | 'to' must be relative to the task's home
            escaping to       | {from: code, to: ../up} | 'to' contains '..'
            a list            | [[code]]                | upload[0]: expected a path or {from: PATH, to: FOLDER}, found a list
            """)
    void badExplicitUploadsAreRefused(String what, String entry, String expected) throws IOException {
        Files.createDirectories(dir.resolve("code"));
        write("name: x\nupload: " + (entry.startsWith("[") ? entry : "[" + entry + "]") + "\n" + STEPS);

        refused(expected);
    }

    @Test
    void downloadsThatWouldLandAtTheSamePlaceAreRefused() throws IOException {
        write("name: x\ndownload: [/a/model.pth, /b/model.pth]\n" + STEPS);
        refused("download: '/a/model.pth' and '/b/model.pth' would both land at model.pth in the output folder");

        write("name: x\ndownload: [a/model.pth, b/model.pth, ../c/model.pth]\n" + STEPS);
        assertThat(JobFileParser.parse(dir).download()).hasSize(3);
    }
}
