package io.fastgpu.cli;

import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's environment (cloud keys, tokens, passphrases, anything else) stays on the client: a step sees what
 * a fresh login on its machine would, plus the job's {@code env} and FastGPU's variables, and no file FastGPU
 * writes holds a credential, on the local backend and on a cloud machine (over SSH). FastGPU's files on the
 * machine are its owner's only.
 */
class ClientSecretsTest {
    private static final String TOKEN = Long.toHexString(new SecureRandom().nextLong());
    /** Credentials of every kind in the client's environment, each with a value found nowhere else. */
    private static final Map<String, String> PLANTED = planted("ALIYUN_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "TENCENTCLOUD_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN",
            "FASTGPU_SSH_PASSPHRASE", "DB_PASSWORD", "MY_APP_SECRET", "CLIENT_ONLY_SETTING");

    @TempDir Path tmp;

    private static Map<String, String> planted(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) m.put(n, "planted-" + n.toLowerCase() + "-" + TOKEN);
        return Map.copyOf(m);
    }

    @Test
    void aStepSeesALoginEnvironmentAndNoFileHoldsTheClientsSecrets() throws Exception {
        Cli cli = new Cli(tmp);
        try {
            String job = cli.job("leak", JOB);
            Map<String, String> env = new LinkedHashMap<>(cli.childEnvironment());
            env.putAll(PLANTED);
            env.put("LANG", "C.UTF-8");
            String launchOut = forked(cli, env, "launch", job, "--yes");
            String execOut = forked(cli, env, "exec", "task0.leak", "--", "env");

            assertStepEnvironment(launchOut, execOut);
            assertOnlyLoginVariables(execOut);
            assertNoFileHoldsASecret(tmp);
            assertOwnerOnly(cli.home());
        } finally {
            cli.killAll();
        }
    }

    /** Over SSH (to an emulated cloud machine) nothing of the client's environment travels either. */
    @Test
    void onACloudMachineTooTheStepSeesNothingOfTheClientsEnvironment() throws Exception {
        int sshPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            sshPort = s.getLocalPort();
        }
        String keyId = "LTAI-leak-test";
        String secret = PLANTED.get("ALIYUN_ACCESS_KEY_SECRET"); // the real one this time: the cloud needs it
        try (EmulatedCloud cloud = EmulatedCloud.start(EmulatorConfig.builder().accessKey(keyId, secret)
                .loopbackAddresses(true).bootLatency(Duration.ofMillis(300)).build(), 0, tmp.resolve("machines"), sshPort)) {
            Cli cli = new Cli(tmp).env(cloud.environment(keyId, secret));
            try {
                String job = cli.job("leak", JOB.replace("after: keep", "after: keep\nbackend: aliyun\n"
                        + "resources: {instance_type: ecs.g7.xlarge}"));
                Map<String, String> env = new LinkedHashMap<>(cli.childEnvironment());
                env.putAll(PLANTED);
                env.remove("ALIBABA_CLOUD_ACCESS_KEY_ID"); // the cloud's own key is in ALIYUN_*
                env.put("LANG", "C.UTF-8");
                String launchOut = forked(cli, env, "launch", job, "--yes");
                String execOut = forked(cli, env, "exec", "task0.leak", "--", "env");

                assertStepEnvironment(launchOut, execOut);
                assertNoFileHoldsASecret(tmp);
                assertOwnerOnly(tmp.resolve("machines"));
            } finally {
                cli.killAll();
            }
        }
    }

    private static final String JOB = """
            name: leak
            after: keep
            env: {FROM_JOB: chosen-by-the-job}
            steps:
              - name: show
                run: env; export FROM_STEP=kept-in-the-shell
            """;

    /** What a step and a later exec printed with {@code env}: a login's variables, the job's, FastGPU's. */
    private static void assertStepEnvironment(String launchOut, String execOut) {
        for (String out : List.of(launchOut, execOut)) {
            assertThat(out).doesNotContain(TOKEN).contains("LANG=C.UTF-8", "PATH=", "HOME=");
        }
        assertThat(launchOut).contains("FROM_JOB=chosen-by-the-job", "FASTGPU_JOB=leak", "FASTGPU_NODE_RANK=0");
        assertThat(execOut).contains("FROM_STEP=kept-in-the-shell");
    }

    /** On the local backend, of the client's variables only those of a login pass. */
    private static void assertOnlyLoginVariables(String execOut) {
        List<String> names = execOut.lines().map(l -> l.replaceFirst("^task0> ", ""))
                .filter(l -> l.matches("[A-Za-z_][A-Za-z0-9_]*=.*")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).contains("HOME", "FROM_STEP").filteredOn(n -> !n.matches(
                "PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_.*|TERM|TMPDIR|PWD|OLDPWD|SHLVL|_|FROM_STEP|FASTGPU_.*|PYTHONPATH"))
                .as("variables of the client's a step should not see").isEmpty();
        // PYTHONPATH is FastGPU's own (its Python package), never the client's.
        assertThat(execOut.lines().map(l -> l.replaceFirst("^task0> ", "")).filter(l -> l.startsWith("PYTHONPATH=")))
                .allSatisfy(l -> assertThat(l).matches("PYTHONPATH=[^:]*/python"));
    }

    private static void assertNoFileHoldsASecret(Path root) throws IOException {
        List<Path> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(TOKEN)) leaks.add(f);
            }
        }
        assertThat(leaks).as("files holding a planted secret").isEmpty();
    }

    /** The one {@code .fastgpu} folder under {@code root} and all in it are its owner's only. */
    private static void assertOwnerOnly(Path root) throws IOException {
        List<Path> stateFolders;
        try (Stream<Path> all = Files.walk(root)) {
            stateFolders = all.filter(p -> p.getFileName().toString().equals(".fastgpu") && Files.isDirectory(p)).toList();
        }
        assertThat(stateFolders).as("the task's state folder").hasSize(1);
        Path state = stateFolders.get(0);
        List<String> wrong = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        try (Stream<Path> all = Files.walk(state)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                boolean dir = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
                if (!dir && !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) continue; // the tmux socket
                seen.add(state.relativize(p).toString());
                if (!mode(p).equals(dir ? "rwx------" : "rw-------")) wrong.add(state.relativize(p) + " " + mode(p));
            }
        }
        assertThat(seen).as("files under .fastgpu").contains("shell/env");
        assertThat(wrong).as("files and folders under .fastgpu that others may read").isEmpty();
    }

    /** {@code fastgpu ARGS} in a JVM of its own with exactly {@code env}; its output, after it succeeded. */
    private static String forked(Cli cli, Map<String, String> env, String... args) throws Exception {
        try (ForkedCli p = ForkedCli.start(cli.workDir(), env, args)) {
            assertThat(p.awaitExit(120_000)).as("fastgpu %s ended", String.join(" ", args)).isTrue();
            p.awaitLine("\u0000 never printed", Duration.ofSeconds(5)); // returns once the output is read to its end
            assertThat(p.exitCode()).as("exit of fastgpu %s:\n%s", String.join(" ", args), p.output()).isZero();
            return p.output();
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
