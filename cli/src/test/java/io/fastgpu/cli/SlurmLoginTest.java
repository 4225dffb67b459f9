package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code backend: slurm} through a login host reached over SSH ({@code login: {host, user, key}}): the last of the
 * network-namespace test hosts ({@code scripts/testhosts.sh}) is the login node, and the real test cluster of
 * {@code scripts/slurm.sh} answers it on the hosts' bridge. Skips, saying why, unless both are up.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlurmLoginTest {
    @TempDir Path root;
    Cli cli;
    Path work;

    @BeforeEach
    void setUp() throws IOException {
        Path conf = SlurmCluster.require();
        String testhosts = System.getenv("FASTGPU_TESTHOSTS_DIR");
        Path dir = Path.of(testhosts != null && !testhosts.isBlank() ? testhosts : "/var/lib/fastgpu-testhosts");
        Path hosts = dir.resolve("client/hosts");
        assumeTrue(Files.exists(Path.of("/sys/class/net/fgbr0")) && Files.isRegularFile(hosts),
                "no test hosts to log in from (" + hosts + " or bridge fgbr0 missing): run 'scripts/testhosts.sh up 16' as root");
        List<String> ips = Files.readAllLines(hosts).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        assumeTrue(!ips.isEmpty(), "no test hosts in " + hosts);
        String ctld = SlurmCluster.sh("sed -n 's/^SlurmctldHost=.*(\\(.*\\))$/\\1/p' " + conf).strip();
        assumeTrue(ctld.equals("10.77.0.1"), "Slurm's test cluster listens on " + ctld + ", not on the test hosts' bridge:"
                + " run 'scripts/slurm.sh up 3' again now that the test hosts are up");
        cli = new Cli(root);
        // The tasks' folders must be where the login host and the nodes both see them: each test host has its own
        // /root and /tmp, but shares /var with this machine, where the nodes run.
        work = Files.createTempDirectory(Path.of("/var/tmp"), "fastgpu-slurm-login");
        Files.createDirectories(cli.home().resolve("clusters"));
        Files.writeString(cli.home().resolve("clusters/hpc.yaml"), "login: {host: " + ips.get(ips.size() - 1) + ", user: root, key: "
                + dir.resolve("client/id_ed25519") + "}\nknown_hosts: " + dir.resolve("client/known_hosts") + "\nslurm_conf: " + conf
                + "\nworkdir: " + work + "\n");
    }

    @AfterEach
    void nothingIsLeftInTheQueue() throws IOException {
        if (cli == null) return;
        try {
            cli.killAll();
            assertThat(SlurmCluster.queue()).as("squeue after the test").isEmpty();
        } finally {
            SlurmCluster.cancelAll();
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aJobRunsOnEveryNodeThroughTheLoginHostWithItsUploadAndDownload() {
        cli.write("remote/data/input.txt", "forty-two\n");
        cli.job("remote", """
                name: remote
                machines: 3
                backend: slurm
                cluster: hpc
                upload: [data]
                steps:
                  - name: where
                    on: all
                    run: echo "task=$INDEX host=$(hostname) node=$SLURMD_NODENAME input=$(cat data/input.txt)"
                  - name: result
                    run: echo "done on $SLURMD_NODENAME with $(cat data/input.txt)" > result.txt
                download: [result.txt]
                after: kill
                """);
        var r = cli.run("launch", "remote", "--yes").expectExit(0);
        String host = SlurmCluster.sh("hostname").strip();
        assertThat(r.out()).contains("task=0 host=" + host + " node=n1 input=forty-two")
                .contains("task=1 host=" + host + " node=n2 input=forty-two")
                .contains("task=2 host=" + host + " node=n3 input=forty-two");
        assertThat(cli.workDir().resolve("fastgpu-out/remote/result.txt")).hasContent("done on n1 with forty-two");
        assertThat(SlurmCluster.queue()).as("after: kill cancelled the allocation").isEmpty();
    }
}
