package io.fastgpu.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastgpu.emulator.tione.TioneConfig;
import io.fastgpu.emulator.tione.TioneEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed's flow through the CLI on the emulated TI-ONE: upload, launch, ls, models register, the commands a task lacks. */
class TioneCliTest {
    static final String KEY = "cli-tione-secret-value";
    @TempDir Path tmp;
    TioneEmulator emu;
    Cli cli;

    @BeforeEach
    void start() throws Exception {
        emu = new TioneEmulator(TioneConfig.of("AKIDclitione0000000000000000", KEY, tmp.resolve("emu"))
                .withLatency(Duration.ofMillis(50)), 0).start();
        cli = new Cli(tmp.resolve("cli")).env(Map.of("TENCENTCLOUD_SECRET_ID", "AKIDclitione0000000000000000",
                "TENCENTCLOUD_SECRET_KEY", KEY, "TENCENTCLOUD_REGION", "ap-guangzhou", "FASTGPU_TIONE_ENDPOINT", emu.endpoint(),
                "FASTGPU_TIONE_BUCKET", "fastgpu-1250000000"));
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    @Test
    void theTikitFlowThroughTheCli() throws Exception {
        Path example = Path.of("../examples/tione-classify").toAbsolutePath().normalize();
        cli.run("tione", "upload", example.resolve("data").toString(),
                "cos://fastgpu-1250000000/notebook-demo-classification/data/").expectExit(0);
        Cli.Result launch = cli.run("launch", example.toString(), "--yes", "--out", tmp.resolve("out").toString()).expectExit(0);
        assertThat(launch.out()).contains("[worker-1] node 1 of 2").contains("succeeded");
        assertThat(Files.readString(tmp.resolve("out/model/model.txt"))).contains("acc1 70.0");
        assertThat(cli.run("ls", "--stop").expectExit(0).out()).contains("Backend tione")
                .containsPattern("tione-classify .*V100 x1, 2 nodes .*TI.GN10.2XLARGE40.POST .*stopped");
        assertThat(cli.run("models", "register", "classify", "--run", "tione-classify", "--backend", "tione").expectExit(0).out())
                .contains("Registered classify in TI-ONE's model repository").contains("version mv-");
        Cli.Result exec = cli.run("exec", "tione-classify", "--", "hostname");
        assertThat(exec.exitCode()).isEqualTo(1);
        assertThat(exec.err().strip().lines()).hasSize(1);
        assertThat(exec.err()).contains("backend tione runs managed training tasks, which cannot run commands on its nodes");
        assertThat(cli.run("tione", "logs", "tione-classify").expectExit(0).out()).contains("TIACC - * Acc@1 70.000");
        cli.run("kill", "--yes", "tione-classify").expectExit(0);
        assertThat(launch.out() + launch.err()).doesNotContain(KEY);
    }
}
