package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fastgpu.emulator.machine.EmulatedMachines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A managed run on an ssh fleet (three SSH machines of the emulator, each on its own loopback address): a host that
 * goes silent in the middle of training counts as lost, and its task moves to the fleet's free host while the
 * other task keeps its own; training resumes from the checkpoint.
 */
class SshFleetRecoveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;
    private EmulatedFleet fleet;
    private EmulatedMachines machines;
    private Cli cli;

    @AfterEach
    void tearDown() {
        try {
            if (cli != null && Files.isDirectory(cli.home().resolve("managed"))) cli.run("cancel", "fleetrun", "--timeout", "60");
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    @Test
    void aHostThatGoesSilentIsReplacedByTheFleetsFreeHostAndTrainingResumes() throws Exception {
        cli = new Cli(tmp.resolve("client"));
        cli.env(Map.of("FASTGPU_NODE_GRACE_SECONDS", "4"));
        fleet = EmulatedFleet.start(tmp, 3, cli.home(), "lab", "shared: false\n");
        machines = fleet.machines();
        List<String> ips = fleet.ips();
        int port = fleet.port();
        cli.write("fleetrun/train.py", Files.readString(Path.of("..", "examples", "resumable", "train.py").toAbsolutePath()));
        cli.job("fleetrun", """
                name: fleetrun
                machines: 2
                backend: ssh
                fleet: lab
                managed: true
                recovery: {on: [node-lost], max_restarts: 3, checkpoint_dir: ckpt}
                upload: [train.py]
                env: {EPOCHS: "40", EPOCH_SECONDS: "0.25"}
                steps:
                  - {name: train, launcher: env, nproc_per_node: 1, run: python3 train.py}
                after: stop
                """);

        CompletableFuture<Cli.Result> launch = CompletableFuture.supplyAsync(() -> cli.run("launch", "fleetrun", "--yes"));
        Path runLog = cli.home().resolve("managed/fleetrun/run.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!(Files.exists(runLog) && Files.readString(runLog).contains("rank 0: epoch 2 ")) && !launch.isDone()
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(Files.readString(runLog)).as(launch.isDone() ? launch.get().toString() : "").contains("rank 0: epoch 2 ");
        machines.hang("host2"); // task1's host: its processes stopped, its SSH silent
        long hungAt = System.nanoTime();

        Cli.Result r = launch.get(3, TimeUnit.MINUTES);
        String log = Files.readString(runLog);
        System.out.println(log.lines().filter(l -> l.startsWith("-- ") || l.startsWith("== ")).collect(java.util.stream.Collectors.joining("\n")));
        assertThat(r.exitCode()).as(r + "\n" + log).isZero();
        assertThat(log).contains("task1.fleetrun has not answered for 4 s: it counts as lost")
                .contains("task1.fleetrun released " + ips.get(1) + ":" + port + ", which does not answer")
                .contains("task1.fleetrun claims " + ips.get(2) + ":" + port + " of fleet lab")
                .contains("rank 1: done").contains("rank 0: epoch 40 ");
        assertThat(log).doesNotContain("task0.fleetrun claims " + ips.get(2));
        // Nothing waits on the silent host for a login or command timeout (the training itself takes about 10 s).
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - hungAt)).as(log).isLessThan(60);
        JsonNode state = JSON.readTree(cli.home().resolve("managed/fleetrun/state.json").toFile());
        JsonNode rec = state.get("recoveries").get(0);
        assertThat(rec.get("task").asText()).isEqualTo("task1");
        assertThat(rec.get("cause").asText()).isEqualTo("node-lost");
        assertThat(rec.get("resumedFrom").asText()).startsWith("epoch ");
        assertThat(log).containsPattern("rank 1: resumed from epoch [1-9]");
    }
}
