package io.fastgpu.provider.tione;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.spi.ProviderContext;
import io.fastgpu.emulator.tione.TioneConfig;
import io.fastgpu.emulator.tione.TioneEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Tikit tutorial's flow, offline, through the official SDKs: upload, create, logs, metrics, model. */
class SeedFlowTest {
    static final String ID = "AKIDtestfastgpu0000000000000000";
    static final String KEY = "test-secret-key-0123456789abcdef";
    static final String BUCKET = "fastgpu-1250000000";
    @TempDir static Path tmp;
    static TioneEmulator emu;

    @BeforeAll
    static void start() throws Exception {
        emu = new TioneEmulator(TioneConfig.of(ID, KEY, tmp.resolve("emu")).withLatency(Duration.ofMillis(100)), 0).start();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    static TioneProvider provider(String key, String region) {
        return (TioneProvider) new TioneProviderFactory().create(new ProviderContext(tmp, null, Map.of(
                "TENCENTCLOUD_SECRET_ID", ID, "TENCENTCLOUD_SECRET_KEY", key, "TENCENTCLOUD_REGION", region,
                "FASTGPU_TIONE_BUCKET", BUCKET, "FASTGPU_TIONE_ENDPOINT", emu.endpoint(), "HOME", tmp.toString())));
    }

    static JobFile example() throws Exception {
        Path dir = Path.of("../../examples/tione-classify").toAbsolutePath().normalize();
        return JobFileParser.parse(dir.resolve("job.yaml"));
    }

    @Test
    void theSeedFlowRunsOfflineThroughTheSdks() throws Exception {
        TioneProvider p = provider(KEY, "ap-guangzhou");
        TioneTools tools = p.capabilities().facet(TioneTools.class).orElseThrow();
        List<String> out = new CopyOnWriteArrayList<>();
        Path data = Path.of("../../examples/tione-classify/data").toAbsolutePath().normalize();
        assertThat(tools.upload(data, "cos://" + BUCKET + "/notebook-demo-classification/data/", out::add, new AtomicBoolean()))
                .isTrue();
        assertThat(emu.readObject(BUCKET, "notebook-demo-classification/data/train/img1.jpg")).isEqualTo("img1\n");
        assertThat(tools.frameworks()).anyMatch(r -> r[4].equals("PYTORCH/torch1.9-py3.8-cuda11.1-gpu/DDP"));
        assertThat(tools.prices()).anyMatch(r -> r[0].equals("TI.GN10.2XLARGE40.POST"));

        ManagedTraining managed = p.capabilities().facet(ManagedTraining.class).orElseThrow();
        ManagedTraining.Plan plan = managed.plan(example());
        assertThat(plan.costQuestion()).contains("2 x TI.GN10.2XLARGE40.POST").contains("42.76 CNY per hour");
        Path outDir = tmp.resolve("out");
        out.clear();
        ManagedTraining.Outcome o = managed.run(plan, outDir, out::add, new AtomicBoolean());
        assertThat(o.failure()).isEmpty();
        assertThat(String.join("\n", out)).contains("[worker-0] node 0 of 2").contains("[worker-1] node 1 of 2")
                .contains("Acc@1 70.000").contains(": SUCCEED");
        assertThat(Files.readString(outDir.resolve("model/model.txt"))).contains("trained on 3 images");
        assertThat(emu.metrics(o.taskId())).contains("acc1=50.0@0", "acc5=90.0@2");
        assertThat(tools.metrics(o.taskId())).contains("acc1 70.0 2");
        assertThat(tools.registerModel(o.taskId(), "model1", "torch1.9.0-py38-cu111")).startsWith("m-");

        List<Instance> listed = p.list();
        assertThat(listed).anyMatch(i -> i.id().equals(o.taskId()) && i.name().equals("tione-classify")
                && i.instanceType().equals("TI.GN10.2XLARGE40.POST") && i.tags().get(TioneProvider.NODES_TAG).equals("2"));

        // A second launch uploads nothing that did not change.
        out.clear();
        ManagedTraining.Outcome again = managed.run(plan, tmp.resolve("out2"), out::add, new AtomicBoolean());
        assertThat(again.ok()).isTrue();
        assertThat(out).anyMatch(l -> l.contains("0 of ") && l.contains("files changed"));
        p.destroy(again.taskId());
        assertThat(emu.status(again.taskId())).isNull();
    }

    @Test
    void aWrongSecretIsOneLineWithoutTheSecret() {
        TioneProvider p = provider("wrong-secret-value", "ap-guangzhou");
        assertThatThrownBy(p::list).isInstanceOf(FastGpuException.class)
                .hasMessageContaining("AuthFailure.SignatureFailure").hasMessageContaining("TENCENTCLOUD_SECRET_KEY")
                .hasMessageNotContaining("wrong-secret-value");
    }

    @Test
    void anUnknownRegionSaysWhichExist() {
        assertThatThrownBy(() -> provider(KEY, "ap-atlantis").list()).hasMessageContaining("UnsupportedRegion")
                .hasMessageContaining("ap-shanghai").hasMessageContaining("TENCENTCLOUD_REGION");
    }
}
