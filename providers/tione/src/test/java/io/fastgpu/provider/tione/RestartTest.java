package io.fastgpu.provider.tione;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.emulator.tione.TioneConfig;
import io.fastgpu.emulator.tione.TioneEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The emulated account survives a restart: its tasks, their states, pushed metrics and COS objects. */
class RestartTest {
    @TempDir Path tmp;

    @Test
    void aRestartedEmulatorFinishesTheTaskItWasRunning() throws Exception {
        TioneConfig config = TioneConfig.of("AKIDrestart00000000000000000", "restart-secret", tmp.resolve("emu"))
                .withLatency(Duration.ofMillis(50));
        TioneEmulator first = new TioneEmulator(config, 0).start();
        int port = first.port();
        Path dir = Files.createDirectories(tmp.resolve("job"));
        Files.writeString(dir.resolve("train.sh"), "sleep 2; mkdir -p \"$FASTGPU_OUTPUT\"; echo ok > \"$FASTGPU_OUTPUT/done.txt\"\n");
        Files.writeString(dir.resolve("job.yaml"), "name: restart\nbackend: tione\nupload: [train.sh]\n"
                + "resources: {instance_type: TI.S.MEDIUM.POST, framework: PYTORCH/torch1.9-py3.8-cpu/DDP}\n"
                + "steps:\n  - name: train\n    run: bash train.sh\n");
        JobFile job = JobFileParser.parse(dir.resolve("job.yaml"));
        ManagedTraining m = new TioneProviderFactory().create(new ProviderContext(tmp, null, Map.of(
                "TENCENTCLOUD_SECRET_ID", config.secretId(), "TENCENTCLOUD_SECRET_KEY", config.secretKey(),
                "FASTGPU_TIONE_BUCKET", "fastgpu-1250000000", "FASTGPU_TIONE_ENDPOINT", "127.0.0.1:" + port,
                "HOME", tmp.toString()))).capabilities().facet(ManagedTraining.class).orElseThrow();
        AtomicReference<String> id = new AtomicReference<>();
        AtomicBoolean running = new AtomicBoolean();
        CompletableFuture<ManagedTraining.Outcome> run = CompletableFuture.supplyAsync(() -> m.run(m.plan(job),
                tmp.resolve("out"), l -> {
                    if (l.contains("created training task")) id.set(l.replaceAll(".*task (train-\\d+).*", "$1"));
                    if (l.endsWith(": RUNNING")) running.set(true);
                }, new AtomicBoolean()));
        await().atMost(Duration.ofSeconds(30)).untilTrue(running);
        first.close();
        TioneEmulator second = new TioneEmulator(config, port).start();
        try {
            assertThat(second.status(id.get())).isNotNull();
            ManagedTraining.Outcome o = run.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(o.status()).isEqualTo("SUCCEED");
            assertThat(Files.readString(tmp.resolve("out/done.txt"))).isEqualTo("ok\n");
        } finally {
            second.close();
        }
    }
}
