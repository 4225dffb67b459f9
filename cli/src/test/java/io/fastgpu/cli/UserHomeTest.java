package io.fastgpu.cli;

import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.provider.local.LocalProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ~} is {@code $HOME}, as users expect, not the JVM's {@code user.home} (which Java takes from the password
 * database): the FastGPU home, fleet files' {@code ~/} paths, the SSH config and its {@code IdentityFile ~/...}.
 */
class UserHomeTest {
    @TempDir Path tmp;

    /** A program's environment with {@code HOME} moved and no {@code FASTGPU_HOME}. */
    private Map<String, String> env(Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", home.toString());
        env.put("NO_COLOR", "1");
        return env;
    }

    private static String run(Path workDir, Map<String, String> env, String... args) throws InterruptedException {
        try (ForkedCli cli = ForkedCli.start(workDir, env, args)) {
            assertThat(cli.awaitExit(60_000)).as("fastgpu %s ended; output: %s", String.join(" ", args), cli.output()).isTrue();
            cli.awaitOutputEnd();
            return cli.exitCode() + "\n" + cli.output();
        }
    }

    @Test
    void theFastGpuHomeIsUnderHome() throws Exception {
        Path home = tmp.resolve("user");
        try (LocalProvider local = new LocalProvider(home.resolve(".fastgpu/local"))) {
            local.create(CreatePlan.of(List.of(new CreateRequest("task0.athome", Resources.DEFAULT, "", Map.of(), Map.of()))))
                    .orThrow();
        }
        Files.createDirectories(tmp.resolve("work"));

        String out = run(tmp.resolve("work"), env(home), "ls", "--json");

        assertThat(out).startsWith("0\n").contains("task0.athome");
    }

    @Test
    void tildeInFleetFilesAndTheSshConfigIsHome() throws Exception {
        Path home = tmp.resolve("user");
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/config"), "Host gpu-by-alias\n  HostName 127.0.0.1\n  Port 1\n"
                + "  IdentityFile ~/.ssh/alias_key\n");
        Files.createDirectories(home.resolve(".fastgpu/fleets"));
        Files.writeString(home.resolve(".fastgpu/fleets/lab.yaml"), """
                hosts:
                  - {host: gpu-by-alias}
                  - {host: 127.0.0.1, port: 1, key: ~/.ssh/fleet_key}
                """);
        Path work = tmp.resolve("work");
        Files.createDirectories(work);
        Files.writeString(work.resolve("job.yaml"), "name: athome\nmachines: 2\nbackend: ssh\nfleet: lab\n"
                + "steps: [{name: a, run: 'true'}]\n");

        String out = run(work, env(home), "launch", ".");

        // The keys are looked for where ~ points before any connection is tried: their absence names the paths.
        assertThat(out).startsWith("1\n")
                .contains("SSH key " + home.resolve(".ssh/alias_key") + " does not exist")
                .contains("SSH key " + home.resolve(".ssh/fleet_key") + " does not exist");
    }
}
