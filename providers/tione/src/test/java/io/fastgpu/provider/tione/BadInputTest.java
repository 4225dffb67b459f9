package io.fastgpu.provider.tione;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.emulator.tione.TioneConfig;
import io.fastgpu.emulator.tione.TioneEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each bad input is one clear line, nothing is left running, and the secret shows nowhere. */
class BadInputTest {
    static final String ID = "AKIDbadinput000000000000000000";
    static final String KEY = "bad-input-secret-0123456789";
    static final String BUCKET = "fastgpu-1250000000";
    @TempDir static Path tmp;
    static TioneEmulator emu;

    @BeforeAll
    static void start() throws Exception {
        emu = new TioneEmulator(TioneConfig.of(ID, KEY, tmp.resolve("emu")).withLatency(Duration.ofMillis(50))
                .withNodeQuota(3).withActionLimit("DescribeBillingSpecsPrice", 1), 0).start();
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("x.txt"), "x\n");
        provider(Map.of()).capabilities().facet(TioneTools.class).orElseThrow()
                .upload(data, "cos://" + BUCKET + "/in/", l -> { }, new AtomicBoolean());
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    static TioneProvider provider(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(Map.of("TENCENTCLOUD_SECRET_ID", ID, "TENCENTCLOUD_SECRET_KEY", KEY,
                "FASTGPU_TIONE_BUCKET", BUCKET, "FASTGPU_TIONE_ENDPOINT", emu.endpoint(), "HOME", tmp.toString()));
        env.putAll(extra);
        return (TioneProvider) new TioneProviderFactory().create(new ProviderContext(tmp, null, env));
    }

    static ManagedTraining managed(Map<String, String> extra) {
        return provider(extra).capabilities().facet(ManagedTraining.class).orElseThrow();
    }

    static JobFile job(String name, String spec, String framework, int machines, String data, String run) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("jobs").resolve(name));
        Files.writeString(dir.resolve("train.sh"), run + "\n");
        Files.writeString(dir.resolve("job.yaml"), "name: " + name + "\nbackend: tione\nmachines: " + machines
                + "\nupload: [train.sh]\nresources: {instance_type: " + spec + ", framework: " + framework + "}\n"
                + (data == null ? "" : "data: {'" + data + "': /opt/ml/input/data/d}\n")
                + "steps:\n  - name: train\n    run: bash train.sh\n    on: all\n");
        return JobFileParser.parse(dir.resolve("job.yaml"));
    }

    static final String FW = "PYTORCH/torch1.9-py3.8-cpu/DDP";

    @Test
    void aWrongSecretOnCosIsOneLineWithoutTheSecret() {
        TioneTools tools = provider(Map.of("TENCENTCLOUD_SECRET_KEY", "not-the-cos-secret")).capabilities()
                .facet(TioneTools.class).orElseThrow();
        assertThatThrownBy(() -> tools.upload(tmp.resolve("data"), "cos://" + BUCKET + "/in2/", l -> { }, new AtomicBoolean()))
                .isInstanceOf(FastGpuException.class).hasMessageContaining("SignatureDoesNotMatch")
                .hasMessageContaining("TENCENTCLOUD_SECRET_KEY").hasMessageNotContaining("not-the-cos-secret");
    }

    @Test
    void anUnknownSpecSuggestsTheNearestOne() throws Exception {
        assertThatThrownBy(() -> managed(Map.of()).plan(job("spec", "TI.GN10.2XLARGE40.PST", FW, 1, null, "true")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is not a TI-ONE training spec")
                .hasMessageContaining("did you mean TI.GN10.2XLARGE40.POST?");
    }

    @Test
    void anUnknownFrameworkSuggestsTheNearestOne() throws Exception {
        assertThatThrownBy(() -> managed(Map.of()).plan(job("fw", "TI.S.MEDIUM.POST", "PYTORCH/torch1.9-py3.8-cpus/DDP", 1, null, "true")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is not offered")
                .hasMessageContaining("did you mean " + FW + "?");
    }

    @Test
    void aMissingBucketAndAForeignOneAreNamed() throws Exception {
        JobFile j = job("bucket", "TI.S.MEDIUM.POST", FW, 1, null, "true");
        assertThatThrownBy(() -> managed(Map.of("FASTGPU_TIONE_BUCKET", "nope-1250000000")).plan(j))
                .isInstanceOf(FastGpuException.class).hasMessageContaining("the bucket nope-1250000000 does not exist");
        JobFile foreign = job("foreign", "TI.S.MEDIUM.POST", FW, 1, "cos://someone-else-1250999999/data/", "true");
        assertThatThrownBy(() -> managed(Map.of()).plan(foreign)).hasMessageContaining("access denied to bucket someone-else-1250999999");
    }

    @Test
    void aCosPathWithNoDataIsCaughtBeforeAnythingIsCreated() throws Exception {
        JobFile j = job("empty", "TI.S.MEDIUM.POST", FW, 1, "cos://" + BUCKET + "/nothing-here/", "true");
        assertThatThrownBy(() -> managed(Map.of()).plan(j)).hasMessageContaining("cos://" + BUCKET + "/nothing-here/ holds no data");
    }

    @Test
    void aFailingStartCommandShowsTheLastLines() throws Exception {
        JobFile j = job("fails", "TI.S.MEDIUM.POST", FW, 1, "cos://" + BUCKET + "/in/",
                "cat \"$FASTGPU_OPT_ML/input/data/d/x.txt\"; echo 'Traceback: boom' >&2; exit 3");
        ManagedTraining m = managed(Map.of());
        ManagedTraining.Outcome o = m.run(m.plan(j), tmp.resolve("o1"), l -> { }, new AtomicBoolean());
        assertThat(o.status()).isEqualTo("FAILED");
        assertThat(o.failure()).contains("exited with code 3");
        assertThat(o.lastLines()).contains("x", "Traceback: boom");
    }

    @Test
    void theQuotaIsOneLine() throws Exception {
        JobFile j = job("big", "TI.S.MEDIUM.POST", FW, 4, null, "true");
        ManagedTraining m = managed(Map.of());
        assertThatThrownBy(() -> m.run(m.plan(j), tmp.resolve("o2"), l -> { }, new AtomicBoolean()))
                .hasMessageContaining("LimitExceeded").hasMessageContaining("quota is 3 nodes");
    }

    @Test
    void throttlingIsRetriedABoundedNumberOfTimes() {
        var pricing = provider(Map.of()).capabilities().facet(io.fastgpu.core.spi.facet.Pricing.class).orElseThrow();
        for (int i = 0; i < 4; i++) { // DescribeBillingSpecsPrice: 1 call a second, so most of these are throttled at first
            assertThat(pricing.hourlyPrice(new io.fastgpu.api.Resources("TI.S.MEDIUM.POST", "", false, 100), 1)).isEqualTo(0.58);
        }
    }

    @Test
    void anInterruptDuringTheUploadCreatesNoTask() throws Exception {
        JobFile j = job("cut", "TI.S.MEDIUM.POST", FW, 1, null, "true");
        ManagedTraining m = managed(Map.of());
        ManagedTraining.Outcome o = m.run(m.plan(j), tmp.resolve("o3"), l -> { }, new AtomicBoolean(true));
        assertThat(o.failure()).contains("no task was created");
        assertThat(provider(Map.of()).list()).noneMatch(i -> i.name().equals("cut"));
    }

    @Test
    void anInterruptDuringTheRunStopsTheTask() throws Exception {
        JobFile j = job("sleepy", "TI.S.MEDIUM.POST", FW, 1, null, "echo started; sleep 600");
        ManagedTraining m = managed(Map.of());
        AtomicBoolean interrupted = new AtomicBoolean();
        List<String> out = new CopyOnWriteArrayList<>();
        ManagedTraining.Outcome o = m.run(m.plan(j), tmp.resolve("o4"), l -> {
            out.add(l);
            if (l.endsWith("started")) interrupted.set(true);
        }, interrupted);
        assertThat(o.status()).isEqualTo("STOPPED");
        assertThat(emu.status(o.taskId())).isEqualTo("STOPPED");
        assertThat(out).anyMatch(l -> l.contains("stopping training task"));
        assertThat(String.join("\n", out)).doesNotContain(KEY);
        try (var files = Files.walk(tmp.resolve("emu"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(f, java.nio.charset.StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(KEY);
            }
        }
    }
}
