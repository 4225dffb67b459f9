package io.fastgpu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import io.fastgpu.core.state.StepRecord;
import io.fastgpu.dashboard.DashboardServer;
import io.fastgpu.emulator.tione.TioneConfig;
import io.fastgpu.emulator.tione.TioneEmulator;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TI-ONE launch is a run like any other, on the emulated TI-ONE through the official SDKs: recorded with its phases,
 * status and exit code, its output for {@code fastgpu logs}, its pushed metrics for {@code fastgpu metrics} and the
 * dashboard, and {@code register:} as a model version made by the run.
 */
class TioneRunRecordTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ID = "AKIDrunrecord000000000000000";
    static final String KEY = "run-record-tione-secret";
    static final String JOB_HEAD = """
            backend: tione
            resources:
              instance_type: TI.GN10.2XLARGE40.POST
              framework: PYTORCH/torch1.9-py3.8-cuda11.1-gpu/DDP
            upload: [train.py]
            """;

    @TempDir static Path tmp;
    static TioneEmulator emu;
    static Map<String, String> env;

    @BeforeAll
    static void start() throws Exception {
        emu = new TioneEmulator(TioneConfig.of(ID, KEY, tmp.resolve("emu")).withLatency(Duration.ofMillis(50)), 0).start();
        env = new LinkedHashMap<>(Map.of("TENCENTCLOUD_SECRET_ID", ID, "TENCENTCLOUD_SECRET_KEY", KEY,
                "TENCENTCLOUD_REGION", "ap-guangzhou", "FASTGPU_TIONE_ENDPOINT", emu.endpoint(),
                "FASTGPU_TIONE_BUCKET", "fastgpu-1250000000"));
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    static Cli cli(String name) {
        return new Cli(tmp.resolve(name)).env(env);
    }

    @Test
    void aSucceededTaskIsARunWithItsLogsMetricsAndRegisteredModel() throws Exception {
        Cli cli = cli("ok");
        cli.write("tr/train.py", """
                import os
                from fastgpu import metrics
                for e in range(3):
                    print("epoch %d loss %.2f" % (e, 1.0 / (e + 1)), flush=True)
                    metrics.push({"loss": 1.0 / (e + 1), "acc1": 50.0 + 10 * e}, epoch=e, step=e * 10)
                out = os.environ["FASTGPU_OUTPUT"]
                os.makedirs(out + "/model", exist_ok=True)
                with open(out + "/model/model.bin", "wb") as f:
                    f.write(b"weights" * 100)
                """);
        cli.job("tr", "name: tr\n" + JOB_HEAD + """
                steps: [{name: train, run: python3 train.py}]
                download: [model]
                register: {name: tiny, path: model/model.bin, framework: pytorch}
                """);
        Cli.Result launch = cli.run("launch", "tr", "--yes").expectExit(0);
        assertThat(launch.out()).contains("[worker-0] epoch 2 loss 0.33").contains("'fastgpu logs tr'");
        assertThat(launch.err()).contains("== train", "Registered tiny:v1 (700 bytes");

        // fastgpu logs: the task's output, kept on this machine.
        assertThat(cli.run("logs", "tr").expectExit(0).out()).contains("[worker-0] epoch 0 loss 1.00", "[worker-0] epoch 2 loss 0.33",
                "== train done");

        // fastgpu metrics: what the script pushed, in the run's metrics.
        JsonNode metrics = JSON.readTree(cli.run("metrics", "tr", "--json").expectExit(0).out()).get(0).get("metrics");
        JsonNode loss = byName(metrics, "loss");
        assertThat(loss.get("count").asInt()).isEqualTo(3);
        assertThat(loss.get("latest").asDouble()).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(loss.get("points").get(2).get("epoch").asInt()).isEqualTo(2);
        assertThat(loss.get("points").get(2).get("step").asInt()).isEqualTo(20);
        assertThat(byName(metrics, "acc1").get("latest").asDouble()).isEqualTo(70.0);
        // Looking again stores nothing twice.
        assertThat(cli.run("metrics", "tr", "--csv").expectExit(0).outLines()).hasSize(1 + 6);

        // The run, its phases and its task, in the store and on the dashboard's runs page.
        String taskId;
        try (StateStore state = StateStore.open(cli.home())) {
            RunRecord run = state.runs(10).get(0);
            assertThat(run.runName()).isEqualTo("tr");
            assertThat(run.backend()).isEqualTo("tione");
            assertThat(run.status()).isEqualTo(RunRecord.SUCCEEDED);
            assertThat(run.exitCode()).isEqualTo(0);
            assertThat(state.steps(run.id()).stream().map(StepRecord::name).toList())
                    .containsExactly("upload", "submit", "train", "download", "register");
            assertThat(run.logdir()).matches("cos://fastgpu-1250000000/.*/output/train-[^/]+");
            taskId = run.logdir().substring(run.logdir().lastIndexOf('/') + 1);
        }
        try (FastGpu fg = FastGpu.builder().home(cli.home()).settings(env).build();
             DashboardServer ui = DashboardServer.start(fg, 0)) {
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .cookieHandler(new java.net.CookieManager()).build();
            String page = http.send(HttpRequest.newBuilder(URI.create(ui.url())).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(page).contains(">tr</a>", "<td>tione</td>", "succeeded");
        }

        // register: a model version made by this run, the bytes the task wrote.
        JsonNode shown = JSON.readTree(cli.run("models", "show", "tiny", "--json").expectExit(0).out());
        assertThat(shown.get("run_name").asText()).isEqualTo("tr");
        assertThat(shown.get("framework").asText()).isEqualTo("pytorch");
        assertThat(shown.get("metrics").get("acc1").asDouble()).isEqualTo(70.0);
        assertThat(shown.get("job_sha256").asText()).hasSize(64);
        assertThat(Files.readString(cli.workDir().resolve("fastgpu-out/model/model.bin"))).isEqualTo("weights".repeat(100));
        // A later registration of the run (named by its task) that finds no download here takes the task's output on COS.
        Cli.Result again = cli.run("models", "register", "tiny", "--run", taskId, "--path", "model/model.bin").expectExit(0);
        assertThat(again.out()).contains("Registered tiny:v2 (700 bytes", "training task " + taskId + ":model/model.bin");
        assertThat(launch.out() + launch.err()).doesNotContain(KEY);
    }

    @Test
    void aTaskPastTheMonthlyBudgetIsRefusedBeforeAnythingIsSubmittedUnlessOverBudget() throws Exception {
        Cli cli = cli("pricey");
        java.nio.file.Files.createDirectories(cli.home());
        java.nio.file.Files.writeString(cli.home().resolve("config.yaml"), "budget: {monthly: 5}\n");
        cli.write("pricey/train.py", "print('trained', flush=True)\n");
        cli.job("pricey", "name: pricey\n" + JOB_HEAD + "steps: [{name: train, run: python3 train.py}]\n");
        Cli.Result refused = cli.run("launch", "pricey", "--yes").expectExit(1);
        assertThat(refused.err().strip().lines()).hasSize(1);
        assertThat(refused.err()).contains("monthly budget 5.00 would be passed", "training task of job pricey", "--over-budget");
        try (StateStore state = StateStore.open(cli.home())) {
            assertThat(state.latestRun("pricey")).as("nothing submitted, no run").isEmpty();
        }
        cli.run("launch", "pricey", "--yes", "--over-budget").expectExit(0);
    }

    @Test
    void theStepsShareOneShellAndAStepsExitCodeIsTheTasks() throws Exception {
        Cli cli = cli("shell");
        cli.write("shell/train.py", "print('unused')\n");
        cli.job("shell", "name: shell\n" + JOB_HEAD + """
                steps:
                  - {name: prepare, run: 'mkdir -p sub && cd sub && export X=41'}
                  - {name: train, run: 'echo "in $(basename "$PWD") X=$((X + 1))"; exit 4'}
                """);
        Cli.Result launch = cli.run("launch", "shell", "--yes").expectExit(1);
        assertThat(cli.run("logs", "shell").expectExit(0).out()).as(launch.toString()).contains("in sub X=42");
        try (StateStore state = StateStore.open(cli.home())) {
            assertThat(state.latestRun("shell").orElseThrow().exitCode()).isEqualTo(4);
        }
    }

    @Test
    void aFailedTaskIsAFailedRunWithItsExitCodeAndItsLogs() throws Exception {
        Cli cli = cli("bad");
        cli.write("bad/train.py", "print('about to fail', flush=True)\nraise SystemExit(3)\n");
        cli.job("bad", "name: bad\n" + JOB_HEAD + """
                steps: [{name: train, run: python3 train.py}]
                register: {name: never, path: model.bin}
                """);
        Cli.Result launch = cli.run("launch", "bad", "--yes").expectExit(1);
        assertThat(launch.err()).contains("exited with code 3", "== train failed");
        assertThat(cli.run("logs", "bad").expectExit(0).out()).contains("[worker-0] about to fail");
        try (StateStore state = StateStore.open(cli.home())) {
            RunRecord run = state.latestRun("bad").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.FAILED);
            assertThat(run.exitCode()).isEqualTo(3);
            List<StepRecord> steps = state.steps(run.id());
            assertThat(steps.stream().map(StepRecord::name).toList()).containsExactly("upload", "submit", "train");
            assertThat(steps.get(2).exitCode()).isEqualTo(3);
        }
        assertThat(cli.run("models", "register", "m", "--run", "bad", "--path", "model.bin").expectExit(2).err())
                .contains("failed with exit code 3");
        assertThat(cli.run("models", "list").expectExit(0).out()).doesNotContain("never");
    }

    @Test
    void ctrlCDuringTheTaskIsAnInterruptedRun() throws Exception {
        Cli cli = cli("int");
        cli.write("slow/train.py", "import time\nfrom fastgpu import metrics\nmetrics.push({'loss': 0.5}, epoch=0)\n"
                + "print('started', flush=True)\ntime.sleep(120)\n");
        cli.job("slow", "name: slow\n" + JOB_HEAD + "steps: [{name: train, run: python3 train.py}]\n");
        try (ForkedCli launch = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", "slow", "--yes")) {
            assertThat(launch.awaitLine("[worker-0] started", Duration.ofSeconds(60))).as(launch.output()).isTrue();
            // While it runs, a client looking collects what the script pushed so far.
            JsonNode live = null;
            for (long until = System.nanoTime() + 20_000_000_000L; System.nanoTime() < until; Thread.sleep(300)) {
                live = JSON.readTree(cli.run("metrics", "slow", "--json").expectExit(0).out()).get(0).get("metrics");
                if (live.size() > 0) break;
            }
            assertThat(live).isNotNull();
            assertThat(byName(live, "loss").get("latest").asDouble()).isEqualTo(0.5);
            launch.signal("INT");
            assertThat(launch.awaitExit(60_000)).as(launch.output()).isTrue();
            assertThat(launch.exitCode()).as(launch.output()).isEqualTo(130);
        }
        try (StateStore state = StateStore.open(cli.home())) {
            RunRecord run = state.latestRun("slow").orElseThrow();
            assertThat(run.status()).isEqualTo(RunRecord.INTERRUPTED);
            assertThat(run.exitCode()).isEqualTo(130);
            assertThat(state.steps(run.id()).get(2).exitCode()).isEqualTo(130);
        }
        assertThat(cli.run("logs", "slow").expectExit(0).out()).contains("[worker-0] started", "stopping training task");
    }

    private static JsonNode byName(JsonNode metrics, String name) {
        for (JsonNode m : metrics) if (m.get("name").asText().equals(name)) return m;
        throw new AssertionError("no metric " + name + " in " + metrics);
    }
}
