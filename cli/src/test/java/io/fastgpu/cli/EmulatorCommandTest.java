package io.fastgpu.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu emulator aliyun} as a user starts it: what it says, the environment it writes, the caller it emulates. */
class EmulatorCommandTest {
    @TempDir Path tmp;

    @Test
    void writesThePublicAddressLookupAndAnswersTheCallerAddressGiven() throws Exception {
        Cli cli = new Cli(tmp);
        Map<String, String> env = new LinkedHashMap<>(cli.childEnvironment());
        env.put(EmulatorCommand.SECRET_ENV, "emulator-secret");
        int sshPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = s.getLocalPort();
        }
        try (ForkedCli emulator = ForkedCli.start(cli.workDir(), env, "emulator", "aliyun", "--access-key-id", "LTAI-cli",
                "--caller-ip", "203.0.113.77", "--ssh-port", String.valueOf(sshPort),
                "--env-file", "cloud.env")) {
            // the export lines come after "Point FastGPU at it with:"; the last one (the secret, by reference) read says they are all there
            assertThat(emulator.awaitLine("export ALIYUN_ACCESS_KEY_SECRET=", Duration.ofSeconds(90))).as(emulator::output).isTrue();
            assertThat(emulator.output()) // enforced without being asked for
                    .contains("The emulated internet sees you as 203.0.113.77; security groups are enforced");

            Map<String, String> exported = new LinkedHashMap<>();
            for (String line : Files.readAllLines(cli.workDir().resolve("cloud.env"))) {
                String[] kv = line.replaceFirst("^export ", "").split("=", 2);
                exported.put(kv[0], kv[1]);
            }
            String url = exported.get("FASTGPU_PUBLIC_IP_URL");
            assertThat(url).startsWith(exported.get("FASTGPU_ALIYUN_ENDPOINT")).endsWith("/fastgpu/public-ip");
            assertThat(emulator.output()).contains("export FASTGPU_PUBLIC_IP_URL=" + url);
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body().strip()).isEqualTo("203.0.113.77");
        }
    }

    @Test
    void enforcementIsTurnedOffOnlyWhenAskedFor() throws Exception {
        Cli cli = new Cli(tmp);
        assertThat(cli.run("emulator", "--help").expectExit(0).out()).contains("--[no-]enforce-security-groups");
        Map<String, String> env = new LinkedHashMap<>(cli.childEnvironment());
        env.put(EmulatorCommand.SECRET_ENV, "emulator-secret");
        int sshPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = s.getLocalPort();
        }
        try (ForkedCli emulator = ForkedCli.start(cli.workDir(), env, "emulator", "aliyun", "--access-key-id", "LTAI-cli",
                "--no-enforce-security-groups", "--ssh-port", String.valueOf(sshPort))) {
            assertThat(emulator.awaitLine("Point FastGPU at it with:", Duration.ofSeconds(90))).as(emulator::output).isTrue();
            assertThat(emulator.output()).contains("security groups are not enforced (--no-enforce-security-groups)");
        }
    }

    @Test
    void refusesACallerAddressThatIsNoIpv4Address() {
        Cli cli = new Cli(tmp).env(Map.of(EmulatorCommand.SECRET_ENV, "emulator-secret"));
        Cli.Result r = cli.run("emulator", "aliyun", "--access-key-id", "LTAI-cli", "--caller-ip", "300.1.2.3");
        r.expectExit(2);
        assertThat(r.err()).contains("--caller-ip must be an IPv4 address such as 198.51.100.7, was '300.1.2.3'");
    }
}
