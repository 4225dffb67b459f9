package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Training metrics and the model registry through the real CLI and real local launches: the three ways a script
 * reports metrics, bad values, collection after the launch, and a model registered by the job file.
 */
class MetricsAndModelsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    @Test
    void theThreeWaysEndUpInTheStoreOnceAndTheJobFileRegistersTheModel() throws Exception {
        String job = cli.job("mx", """
                name: mx
                metrics: [{name: acc1, regex: 'Acc@1 (\\S+)'}]
                steps:
                  - name: train
                    run: |
                      python3 -c "from fastgpu import metrics
                      for e in range(5): metrics.push({'loss': 1.0 / (e + 1)}, epoch=e, step=e * 10)"
                      echo '{"throughput": 123.5, "epoch": 1}' >> "$FASTGPU_METRICS_FILE"
                      echo 'Acc@1 0.5'; echo 'Acc@1 0.75'; echo 'Acc@1 high'
                      echo '{"bad": "high", "nan": NaN, "inf": Infinity, "<b>x y</b>": 2}' >> "$FASTGPU_METRICS_FILE"
                      echo 'not json' >> "$FASTGPU_METRICS_FILE"
                      python3 -c "from fastgpu import metrics
                      for i in range(20000): metrics.push({'fast': i}, step=i)"
                      mkdir -p out && head -c 50000 /dev/urandom > out/model.bin
                download: [out/model.bin]
                register: {name: mx, path: out/model.bin, framework: pytorch}
                """);
        Cli.Result launch = cli.run("launch", job).expectExit(0);
        assertThat(launch.out() + launch.err()).contains("Registered mx:v1");
        // Each kind of bad value told once when first seen, then counted once at the end.
        assertThat(launch.err()).containsOnlyOnce("metrics: skipping values that are not numbers");
        assertThat(launch.err()).contains("metrics: 2 values that are not numbers skipped (first:",
                "metrics: 2 NaN or infinite values skipped", "metrics: 1 line that is not a JSON object skipped");

        JsonNode runs = JSON.readTree(cli.run("metrics", "mx", "--json").expectExit(0).out());
        JsonNode metrics = runs.get(0).get("metrics");
        List<String> names = new ArrayList<>();
        metrics.forEach(m -> names.add(m.get("name").asText()));
        assertThat(names).containsExactlyInAnyOrder("loss", "throughput", "<b>x y</b>", "acc1", "fast");
        // As fast as a script can push: every point stored, once.
        assertThat(byName(metrics, "fast").get("count").asInt()).isEqualTo(20000);
        JsonNode loss = byName(metrics, "loss");
        assertThat(loss.get("count").asInt()).isEqualTo(5);
        assertThat(loss.get("latest").asDouble()).isEqualTo(0.2);
        assertThat(loss.get("points").get(4).get("epoch").asInt()).isEqualTo(4);
        assertThat(loss.get("points").get(4).get("step").asInt()).isEqualTo(40);
        assertThat(loss.get("points").get(0).get("source").asText()).isEqualTo("push");
        assertThat(loss.get("points").get(0).get("step_name").asText()).isEqualTo("train");
        assertThat(byName(metrics, "acc1").get("count").asInt()).isEqualTo(2);
        assertThat(byName(metrics, "throughput").get("points").get(0).get("source").asText()).isEqualTo("file");

        // Looking again collects nothing twice.
        assertThat(cli.run("metrics", "mx", "--csv").expectExit(0).outLines()).hasSize(1 + 5 + 1 + 1 + 2 + 20000);
        Cli.Result table = cli.run("metrics", "mx").expectExit(0);
        assertThat(table.out()).contains("Run mx (run 1), succeeded").containsPattern("loss +\\| 0\\.2 +\\| 4 +\\| 0\\.2 +\\| 1 +\\| 5 +\\| #-\\.__");

        // The registered version is the downloaded file, byte for byte, with the run's final metrics.
        Path downloaded = cli.workDir().resolve("fastgpu-out/mx/out/model.bin");
        cli.run("models", "download", "mx:v1", "--out", "back").expectExit(0);
        assertThat(Files.mismatch(downloaded, cli.workDir().resolve("back/model.bin"))).isEqualTo(-1L);
        JsonNode shown = JSON.readTree(cli.run("models", "show", "mx", "--json").expectExit(0).out());
        assertThat(shown.get("framework").asText()).isEqualTo("pytorch");
        assertThat(shown.get("metrics").get("loss").asDouble()).isEqualTo(0.2);
        assertThat(shown.get("job_sha256").asText()).hasSize(64);
        assertThat(shown.get("run_name").asText()).isEqualTo("mx");

        // Bad input: one line each.
        assertThat(cli.run("models", "register", "mx:v1", "--run", "mx", "--path", "out/model.bin").expectExit(2).err())
                .isEqualTo("error: model mx:v1 exists already; versions are never overwritten: register it without ':v1' to make mx:v2\n");
        assertThat(cli.run("models", "register", "mx", "--run", "mx", "--path", "out/none.bin").expectExit(1).err().lines().count())
                .isEqualTo(1);
        assertThat(cli.run("models", "register", "mx", "--run", "mx").expectExit(0).out()).startsWith("Registered mx:v2 (50000 bytes");
        assertThat(cli.run("models", "delete", "mx:v2").expectExit(1).err()).contains("pass --yes");
        assertThat(cli.run("models", "delete", "mx:v2", "--yes").expectExit(0).out()).isEqualTo("Deleted mx:v2\n");
        assertThat(cli.run("models", "list").expectExit(0).out()).contains("mx:v1").doesNotContain("mx:v2");
    }

    @Test
    void metricsWrittenAfterTheLaunchEndedAreCollectedWhenAClientLooksAndAFailedRunRegistersNothing() throws Exception {
        String job = cli.job("bg", """
                name: bg
                after: keep
                steps:
                  - name: train
                    run: |
                      python3 -c "from fastgpu import metrics; metrics.push({'acc': 0.1}, epoch=0)"
                      nohup python3 -c "import time; from fastgpu import metrics
                      time.sleep(1.5)
                      for e in range(1, 4): metrics.push({'acc': e / 10}, epoch=e)" > /dev/null 2>&1 &
                """);
        cli.run("launch", job).expectExit(0);
        Thread.sleep(4000);
        JsonNode acc = JSON.readTree(cli.run("metrics", "bg", "--json").expectExit(0).out()).get(0).get("metrics").get(0);
        assertThat(acc.get("count").asInt()).isEqualTo(4);
        assertThat(acc.get("latest").asDouble()).isEqualTo(0.3);
        assertThat(cli.run("metrics", "bg", "--csv").expectExit(0).outLines()).hasSize(1 + 4);

        String failing = cli.job("bad", """
                name: bad
                steps: [{name: train, run: "mkdir -p out && echo x > out/m.bin && exit 3"}]
                download: [out/m.bin]
                """);
        cli.run("launch", failing).expectExit(1);
        assertThat(cli.run("models", "register", "m", "--run", "bad", "--path", "out/m.bin").expectExit(2).err())
                .isEqualTo("error: run 2 (bad) failed with exit code 3; only the output of a run that succeeded can be registered\n");
        // Two runs side by side.
        assertThat(cli.run("metrics", "bg", "bad").expectExit(0).out()).contains("bg (run 1)", "bad (run 2)", "acc");
    }

    private static JsonNode byName(JsonNode metrics, String name) {
        for (JsonNode m : metrics) if (m.get("name").asText().equals(name)) return m;
        throw new AssertionError("no metric " + name + " in " + metrics);
    }
}
