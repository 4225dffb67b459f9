package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client's environment (cloud keys, tokens, passphrases, anything else) stays on the client: a step on the
 * local backend sees what a fresh login would, plus the job's {@code env} and FastGPU's variables, and no file
 * FastGPU writes holds a credential. FastGPU's files on the machine are its owner's only.
 */
class ClientSecretsTest {
    private static final String TOKEN = Long.toHexString(new SecureRandom().nextLong());
    /** Credentials of every kind in the client's environment, each with a value found nowhere else. */
    private static final Map<String, String> PLANTED = planted("ALIYUN_ACCESS_KEY_SECRET", "ALIBABA_CLOUD_ACCESS_KEY_ID",
            "TENCENTCLOUD_SECRET_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "GITHUB_TOKEN",
            "FASTGPU_SSH_PASSPHRASE", "DB_PASSWORD", "MY_APP_SECRET", "CLIENT_ONLY_SETTING");

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    private static Map<String, String> planted(String... names) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : names) m.put(n, "planted-" + n.toLowerCase() + "-" + TOKEN);
        return Map.copyOf(m);
    }

    @Test
    void aStepSeesALoginEnvironmentAndNoFileHoldsTheClientsSecrets() throws Exception {
        String job = cli.job("leak", """
                name: leak
                after: keep
                env: {FROM_JOB: chosen-by-the-job}
                steps:
                  - name: show
                    run: env; export FROM_STEP=kept-in-the-shell
                """);
        Map<String, String> env = new LinkedHashMap<>(cli.childEnvironment());
        env.putAll(PLANTED);
        env.put("LANG", "C.UTF-8");
        String launchOut = forked(env, "launch", job, "--yes");
        String execOut = forked(env, "exec", "task0.leak", "--", "env");

        for (String out : List.of(launchOut, execOut)) {
            assertThat(out).doesNotContain(TOKEN).contains("LANG=C.UTF-8", "PATH=", "HOME=");
        }
        assertThat(launchOut).contains("FROM_JOB=chosen-by-the-job", "FASTGPU_JOB=leak", "FASTGPU_NODE_RANK=0");
        assertThat(execOut).contains("FROM_STEP=kept-in-the-shell");
        // A login's variables, the task's, FastGPU's markers: nothing else of the client's.
        List<String> names = execOut.lines().map(l -> l.replaceFirst("^task0> ", ""))
                .filter(l -> l.matches("[A-Za-z_][A-Za-z0-9_]*=.*")).map(l -> l.substring(0, l.indexOf('='))).toList();
        assertThat(names).contains("HOME", "FROM_STEP").filteredOn(n -> !n.matches(
                "PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_.*|TERM|TMPDIR|PWD|OLDPWD|SHLVL|_|FROM_STEP"
                        + "|FASTGPU_.*|NODE_NUM|INDEX|GPU_NUM_PER_NODE|CHIEF_IP")).as("variables a step should not see").isEmpty();

        List<Path> leaks = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tmp)) {
            for (Path f : (Iterable<Path>) files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))::iterator) {
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(TOKEN)) leaks.add(f);
            }
        }
        assertThat(leaks).as("files holding a planted secret").isEmpty();

        List<Path> stateFolders;
        try (Stream<Path> all = Files.walk(cli.home())) {
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
    private String forked(Map<String, String> env, String... args) throws Exception {
        try (ForkedCli p = ForkedCli.start(cli.workDir(), env, args)) {
            assertThat(p.awaitExit(120_000)).as("fastgpu %s ended", String.join(" ", args)).isTrue();
            p.awaitLine("\u0000 never printed", java.time.Duration.ofSeconds(5)); // returns once the output is read to its end
            assertThat(p.exitCode()).as("exit of fastgpu %s:\n%s", String.join(" ", args), p.output()).isZero();
            return p.output();
        }
    }

    private static String mode(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
