package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resumable example as a managed run on the local backend: task1's training processes killed from outside
 * (SIGKILL, exit 137) count as its machine lost; task1 is replaced, task0 keeps its sandbox, and training resumes
 * from the checkpoint in the shared run folder.
 */
class LocalRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;
    private Cli cli;

    @AfterEach
    void cleanUp() {
        if (cli != null) cli.killAll();
    }

    @Test
    void killedTrainingProcessesCountAsALostMachineAndOnlyThatTaskIsReplaced() throws Exception {
        cli = new Cli(tmp);
        cli.write("res/train.py", Files.readString(Path.of("..", "examples", "resumable", "train.py").toAbsolutePath()));
        String job = Files.readString(Path.of("..", "examples", "resumable", "job.yaml").toAbsolutePath())
                .replace("EPOCHS: \"12\"", "EPOCHS: \"30\"").replace("EPOCH_SECONDS: \"0.5\"", "EPOCH_SECONDS: \"0.2\"")
                .replace("after: stop", "after: keep");
        assertThat(job).contains("EPOCHS: \"30\"").contains("after: keep");
        cli.job("res", job);
        CompletableFuture<Cli.Result> launch = CompletableFuture.supplyAsync(() -> cli.run("launch", "res", "--yes"));
        Path runLog = cli.home().resolve("managed/resumable/run.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(runLog) && Files.readString(runLog).contains("rank 1: epoch 3 ")) && !launch.isDone()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(runLog)).as(launch.isDone() ? launch.get().toString() : "").contains("rank 1: epoch 3 ");
        String before0 = id("task0.resumable");
        List<Long> killed = ranks("1");
        assertThat(killed).as("task1's training process").isNotEmpty();
        for (long pid : killed) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);

        Cli.Result r = launch.get(3, TimeUnit.MINUTES);
        String log = Files.readString(runLog);
        assertThat(r.exitCode()).as(r + "\n" + log).isZero();
        JsonNode rec = JSON.readTree(cli.home().resolve("managed/resumable/state.json").toFile()).get("recoveries").get(0);
        assertThat(rec.get("task").asText()).isEqualTo("task1");
        assertThat(rec.get("cause").asText()).isEqualTo("node-lost");
        assertThat(log).containsPattern("rank 1: resumed from epoch ([3-9]|[12][0-9]) \\(restart 1\\)").contains("rank 1: done");
        assertThat(id("task0.resumable")).as("task0 kept its sandbox").isEqualTo(before0);
        assertThat(cli.run("runs").expectExit(0).out()).contains("recovery 1: task1 node-lost");
    }

    private String id(String name) {
        return cli.instances().stream().filter(i -> i.get("name").asText().equals(name)).findFirst()
                .map(i -> i.get("id").asText()).orElseThrow(() -> new AssertionError("no " + name));
    }

    /** The python processes of this test's run with {@code RANK=rank} in their environment. */
    private List<Long> ranks(String rank) {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("train.py"))
                .filter(p -> p.info().command().orElse("").contains("python"))
                .filter(p -> environ(p.pid()).contains("\0RANK=" + rank + "\0") && environ(p.pid()).contains(tmp.toString()))
                .map(ProcessHandle::pid).toList();
    }

    private static String environ(long pid) {
        try {
            return "\0" + new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "environ")), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
