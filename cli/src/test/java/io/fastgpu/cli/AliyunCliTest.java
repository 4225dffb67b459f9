package io.fastgpu.cli;

import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cloud commands as a user types them, against the emulated Alibaba Cloud through the official SDKs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AliyunCliTest {
    static final String SECRET = "cli-test-secret-" + System.nanoTime();
    @TempDir static Path tmp; // static: injected before @BeforeAll
    EmulatedCloud cloud;
    Cli cli;

    @BeforeAll
    void start() throws IOException {
        int sshPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = s.getLocalPort();
        }
        cloud = EmulatedCloud.start(EmulatorConfig.builder().accessKey("LTAI-cli", SECRET).loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(300)).build(), 0, tmp.resolve("machines"), sshPort);
        Map<String, String> env = new HashMap<>(cloud.environment("LTAI-cli", SECRET));
        env.put("USER", "alice");
        cli = new Cli(tmp.resolve("cli")).env(env);
    }

    @AfterAll
    void stop() {
        if (cloud != null) cloud.close();
    }

    @Test
    void createListUseStopStartRenameAndKill() {
        // Refusing the cost prompt buys nothing.
        Cli.Result no = cli.runWithInput("n\n", "create", "--name", "demo", "--machines", "2", "--instance_type", "ecs.g7.xlarge");
        no.expectExit(1);
        assertThat(no.err()).contains("2 x ecs.g7.xlarge on aliyun. Costs of the resources (ECS/VPC/NAS) will be charged on your"
                + " Aliyun account: about").contains("per hour. Confirm to continue? (y/n)").contains("nothing was created");
        assertThat(cloud.api().instances()).isEmpty();

        Cli.Result made = cli.run("create", "--name", "demo", "--machines", "2", "--instance_type", "ecs.g7.xlarge", "--yes");
        made.expectExit(0);
        assertThat(made.out()).contains("task0.demo", "task1.demo", "ready");
        assertThat(cloud.api().instances()).hasSize(2);

        Cli.Result ls = cli.run("ls").expectExit(0);
        assertThat(ls.outLines()).contains("In Region cn-hangzhou", "Running Instances:");
        assertThat(ls.out()).containsPattern("task0\\.demo +\\| \\d+\\.\\d +\\| 127\\.79\\.\\d+\\.\\d+ +\\| 127\\.78\\.\\d+\\.\\d+ +\\| - +\\| ecs\\.g7\\.xlarge +\\| running")
                .contains("Running cost: about");
        assertThat(cli.run("ls", "-a").expectExit(0).out()).contains("Owner", "Instance Id", "alice");
        assertThat(cli.run("exec", "task1.demo", "--", "hostname").expectExit(0).out()).contains("task1> task1.demo");

        cli.run("stop", "{demo}").expectExit(0);
        assertThat(cli.states()).containsEntry("task0.demo", "stopped").containsEntry("task1.demo", "stopped");
        cli.run("start", "task0.demo").expectExit(0);
        assertThat(cli.run("exec", "task0.demo", "--", "echo up").expectExit(0).out()).contains("task0> up");

        cli.run("rename", "task1.demo", "task5.demo").expectExit(0);
        assertThat(cli.states()).containsKeys("task0.demo", "task5.demo").doesNotContainKey("task1.demo");

        cli.run("kill", "--yes", "{demo}").expectExit(0);
        assertThat(cloud.api().instances()).isEmpty();
        assertThat(cli.run("ls", "--stop", "-a").out()).doesNotContain("demo");
    }

    @Test
    void queriesAndAddip() {
        Cli.Result gpus = cli.run("querygpu", "--gpu", "V100").expectExit(0);
        assertThat(gpus.out()).contains("ecs.gn6v-c8g1.2xlarge", "V100 x 1", "ecs.gn6v-c8g1.16xlarge", "V100 x 8")
                .doesNotContain("A10 x").contains("Prices: pay-as-you-go estimates from the bundled table of");
        assertThat(cli.run("queryimage", "--name", "ubuntu").expectExit(0).out()).contains("ubuntu_22_04");
        assertThat(cli.run("addip", "demo", "--ip", "203.0.113.9").expectExit(0).out()).contains("SSH is open to 203.0.113.9");
        Cli.Result open = cli.run("addip", "demo", "--ip", "0.0.0.0/0").expectExit(2);
        assertThat(open.err()).contains("refusing to open SSH to the whole internet");
        assertThat(cli.run("addip", "--ip", "not-an-ip").expectExit(2).err()).contains("is not an IPv4 address");
    }

    @Test
    void theSeedsCreateCfgIsReadAndItsOldImageIsReportedBeforeBuying() {
        cli.write("create.cfg", CreateConfigTest.SEED);
        Cli.Result r = cli.run("create", "--config", "create.cfg", "--yes").expectExit(2);
        assertThat(r.err()).contains("image 'ubuntu_18_04_64_20G_alibase_20190624.vhd' not found in cn-hangzhou");
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.err()).doesNotContain(SECRET);
        assertThat(cloud.api().instances()).isEmpty();
    }
}
