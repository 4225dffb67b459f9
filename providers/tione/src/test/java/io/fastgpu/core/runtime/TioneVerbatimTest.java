package io.fastgpu.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.provider.tione.EntryScript;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The verbatim-command suite's commands as steps of a TI-ONE task: the start command's script (what a node
 * runs) hands each step to bash unchanged, so its output and exit status are what bash gives. Each runs the
 * real script with bash, as a node does.
 */
class TioneVerbatimTest {
    @TempDir Path tmp;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> commands() {
        return TrickyCommandsSuite.commands();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("commands")
    void stepsReachBashVerbatim(String command, String expectedStdout, int expectedExit) throws Exception {
        Path job = tmp.resolve("job.yaml");
        new ObjectMapper(new YAMLFactory()).writeValue(job.toFile(), Map.of("name", "verbatim", "backend", "tione",
                "resources", Map.of("instance_type", "TI.S.MEDIUM.POST", "framework", "PYTORCH/torch1.9-py3.8-cpu/DDP"),
                "steps", List.of(Map.of("name", "s", "run", command))));
        JobFile parsed = JobFileParser.parse(job);
        Path script = Files.writeString(tmp.resolve("entry.sh"), EntryScript.render(parsed));
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).directory(tmp.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("FASTGPU_OPT_ML", tmp.resolve("ml").toString());
        pb.environment().put("INDEX", "0");
        pb.environment().put("NODE_NUM", "1");
        pb.environment().remove("TI_TASK_ID");
        pb.environment().remove("UNSET_FOR_SURE");
        Files.createDirectories(tmp.resolve("ml/output"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isEqualTo(expectedExit);
        assertThat(out).isEqualTo("[fastgpu] step s\n" + expectedStdout);
    }
}
