package io.fastgpu.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code backend: slurm} through a login host reached over SSH ({@code login: {host, user, key}}): the last of the
 * network-namespace test hosts ({@code scripts/testhosts.sh}) is the login node of a Slurm cluster of its own,
 * {@code FASTGPU_SLURM_BRIDGE=1 scripts/slurm.sh up 3} in {@value #DIR} (port {@value #PORT}), whose daemons answer
 * on the hosts' bridge. That cluster lives for this class only (the shared test cluster is not touched), and
 * {@code scripts/test.sh} downs it too should the run be cut short. Skips, saying why, unless the test hosts are up
 * and Slurm can run here.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SlurmLoginTest {
    static final String DIR = "/var/lib/fastgpu-slurm-login";
    static final int PORT = 16917;
    private static Path script;
    private static Path conf;

    @TempDir Path root;
    Cli cli;
    Path work;
    String login;

    @BeforeAll
    static void clusterOnTheBridge() {
        Path top = Path.of("").toAbsolutePath();
        while (top != null && !Files.isRegularFile(top.resolve("scripts/slurm.sh"))) top = top.getParent();
        assumeTrue(top != null && "root".equals(System.getProperty("user.name")), "Slurm's test clusters need root and scripts/slurm.sh");
        assumeTrue(Files.isRegularFile(hosts()) && Files.exists(Path.of("/sys/class/net/fgbr0")),
                "no test hosts to log in from (" + hosts() + " or bridge fgbr0 missing): run 'scripts/testhosts.sh up 4' as root");
        script = top.resolve("scripts/slurm.sh");
        Result up = cluster("up", "3");
        assumeTrue(up.rc() != 3, "Slurm cannot run here: " + up.out().strip().replace('\n', ' '));
        assertThat(up.rc()).as("scripts/slurm.sh up 3 on the bridge: %s", up.out()).isZero();
        conf = Path.of(DIR, "slurm.conf");
    }

    @AfterAll
    static void downTheCluster() {
        if (conf != null) assertThat(cluster("down").rc()).as("scripts/slurm.sh down").isZero();
    }

    @BeforeEach
    void setUp() throws IOException {
        List<String> ips = Files.readAllLines(hosts()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        assumeTrue(!ips.isEmpty(), "no test hosts in " + hosts());
        cli = new Cli(root);
        // The tasks' folders must be where the login host and the nodes both see them: each test host has its own
        // /root and /tmp, but shares /var with this machine, where the nodes run.
        work = Files.createTempDirectory(Path.of("/var/tmp"), "fastgpu-slurm-login");
        login = ips.get(ips.size() - 1);
        Path client = hosts().getParent();
        Files.createDirectories(cli.home().resolve("clusters"));
        Files.writeString(cli.home().resolve("clusters/hpc.yaml"), "login: {host: " + login + ", user: root, key: "
                + client.resolve("id_ed25519") + "}\nknown_hosts: " + client.resolve("known_hosts") + "\nslurm_conf: " + conf
                + "\nworkdir: " + work + "\n");
    }

    @AfterEach
    void nothingIsLeftInTheQueue() throws IOException {
        if (cli == null) return;
        try {
            cli.killAll();
            assertThat(queue()).as("squeue after the test").isEmpty();
        } finally {
            sh("scancel --user=$(id -un)");
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void aThreeNodeJobRunsThroughTheLoginHostWithItsUploadAndDownloadAndKillEmptiesTheQueue() {
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
        var r = cli.run("launch", "remote", "--yes", "--keep").expectExit(0);
        String host = sh("hostname").strip();
        assertThat(r.outLines()).contains("task0> task=0 host=" + host + " node=n1 input=forty-two",
                "task1> task=1 host=" + host + " node=n2 input=forty-two",
                "task2> task=2 host=" + host + " node=n3 input=forty-two");
        assertThat(cli.workDir().resolve("fastgpu-out/remote/result.txt")).hasContent("done on n1 with forty-two");
        List<String> queue = queue();
        assertThat(queue).as("one allocation holds the three tasks").hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("fastgpu.remote RUNNING"));
        String id = queue.get(0).split(" ")[0];
        for (int n = 1; n <= 3; n++) {
            assertThat(sh("grep -F 'launch task StepId=" + id + ".' " + DIR + "/log/slurmd-n" + n + ".log"))
                    .as("node n%d's steps were started by srun on the login host %s, not here", n, login)
                    .contains("HOST:" + login + " ").doesNotContain("HOST:10.77.0.1 ");
        }

        cli.run("kill", "{remote}", "--yes").expectExit(0);
        assertThat(queue()).as("kill cancelled the allocation, through the login host").isEmpty();
    }

    private static Path hosts() {
        String dir = System.getenv("FASTGPU_TESTHOSTS_DIR");
        return Path.of(dir != null && !dir.isBlank() ? dir : "/var/lib/fastgpu-testhosts", "client/hosts");
    }

    record Result(int rc, String out) { }

    /** {@code scripts/slurm.sh ARGS} for this class's cluster: on the bridge, in its own folder and port. */
    private static Result cluster(String... args) {
        return run(Stream.concat(Stream.of(script.toString()), Stream.of(args)).toList(),
                Map.of("FASTGPU_SLURM_BRIDGE", "1", "FASTGPU_SLURM_DIR", DIR, "FASTGPU_SLURM_PORT", String.valueOf(PORT)));
    }

    /** A command line run here, as an administrator of the cluster would. */
    private static String sh(String command) {
        return run(List.of("bash", "-c", command), Map.of("SLURM_CONF", DIR + "/slurm.conf")).out();
    }

    private static List<String> queue() { return sh("squeue -h -o '%i %j %T'").lines().filter(l -> !l.isBlank()).toList(); }

    private static Result run(List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(240, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out: " + command);
            }
            return new Result(p.exitValue(), out);
        } catch (IOException e) {
            return new Result(127, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }
}
