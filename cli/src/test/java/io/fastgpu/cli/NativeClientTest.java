package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The ./fastgpu script with the resident agent running: the commands it serves go through the native client
 * (cli/src/main/c/fastgpu-client.c, built by the script), which prints, reads and exits as the JVM client does.
 * The script runs in a copy of the project layout whose jar is a manifest naming this test's class path, so that
 * it is the real script, the real client and a real agent, without a Maven build. A {@code java} first on PATH
 * notes each JVM start, so that the tests can tell which client ran.
 */
class NativeClientTest {
    @TempDir Path tmp;
    private final List<Cli> clis = new ArrayList<>();
    private Path script;
    private Path jar;
    private Path javaCalls;
    private Path bin;

    @BeforeEach
    void project() throws Exception {
        assumeTrue(compiler() != null, "no C compiler (cc or gcc) on PATH: the native client cannot be built here");
        Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        Path project = Files.createDirectories(tmp.resolve("project"));
        script = project.resolve("fastgpu");
        Files.copy(repo.resolve("fastgpu"), script);
        Path c = project.resolve("cli/src/main/c/fastgpu-client.c");
        Files.createDirectories(c.getParent());
        Files.copy(repo.resolve("cli/src/main/c/fastgpu-client.c"), c);
        Files.setLastModifiedTime(c, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        jar = Files.createDirectories(project.resolve("cli/target")).resolve("fastgpu.jar");
        writeJar(jar);
        bin = Files.createDirectories(tmp.resolve("bin"));
        javaCalls = tmp.resolve("java-calls");
        Path realJava = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$FASTGPU_HOME $*\" >> '" + javaCalls + "'\nexec '" + realJava + "' \"$@\"\n");
        Files.setPosixFilePermissions(bin.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @AfterEach
    void cleanUp() {
        for (Cli c : clis) {
            try {
                c.killAll();
            } finally {
                run(c, "", "agent", "stop");
            }
        }
    }

    private static String compiler() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (String name : List.of("cc", "gcc")) {
                if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return name;
            }
        }
        return null;
    }

    /** A jar that is only a manifest: the CLI's main class, and this test's class path as its own. */
    private static void writeJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Main.class.getName());
        List<String> urls = new ArrayList<>();
        for (String entry : ForkedCli.classPath().split(File.pathSeparator)) {
            if (!entry.isEmpty()) urls.add(Path.of(entry).toUri().toString());
        }
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
    }

    private Cli cli(String name, boolean agent) {
        Cli c = new Cli(tmp.resolve(name)).env(Map.of("FASTGPU_AGENT", agent ? "on" : "off", "NO_COLOR", "1",
                "FASTGPU_AGENT_IDLE", "120"));
        clis.add(c);
        c.job("keep", "name: keep\nafter: keep\nsteps:\n  - {name: cd, run: 'cd /tmp && export GREETING=hi'}\n");
        return c;
    }

    private Map<String, String> env(Cli c) {
        Map<String, String> env = new LinkedHashMap<>(c.childEnvironment());
        env.put("PATH", bin + File.pathSeparator + env.getOrDefault("PATH", ""));
        return env;
    }

    /** {@code ./fastgpu ARGS} with {@code stdin} on its input, to its end. */
    private Cli.Result run(Cli c, String stdin, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        try {
            Path in = Files.writeString(tmp.resolve("stdin"), stdin);
            Path out = tmp.resolve("stdout");
            Path err = tmp.resolve("stderr");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(c.workDir().toFile())
                    .redirectInput(in.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(env(c));
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("fastgpu " + String.join(" ", args) + " did not end in 120 s");
            }
            return new Cli.Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private ForkedCli start(Cli c, String... args) {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        return ForkedCli.startProgram(cmd, c.workDir(), env(c));
    }

    /** How many JVMs ./fastgpu has started so far for the commands of {@code c}. */
    private long javaStarts(Cli c) throws IOException {
        if (!Files.exists(javaCalls)) return 0;
        return Files.readAllLines(javaCalls).stream().filter(l -> l.startsWith(c.home() + " ")).count();
    }

    private static long agentPid(Cli c) throws IOException {
        Path f = c.home().resolve("agent/agent.pid");
        return Files.exists(f) ? Long.parseLong(Files.readAllLines(f).get(0).trim()) : -1;
    }

    private static String agentBuild(Cli c) throws IOException {
        return Files.readAllLines(c.home().resolve("agent/agent.pid")).get(1).trim();
    }

    /** A process's command line, its program's own name only, words separated by spaces. */
    private static String commandLine(long pid) throws IOException {
        String line = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ').strip();
        String program = line.split(" ", 2)[0];
        return program.substring(program.lastIndexOf('/') + 1) + line.substring(program.length());
    }

    /** A JVM's command line with its class-data archive option, whichever it is, as ARCHIVE. */
    private static String withoutArchive(String line) {
        return line.replaceAll("-XX:(SharedArchiveFile|ArchiveClassesAtExit)=\\S+", "ARCHIVE");
    }

    private static boolean alive(long pid) { return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false); }

    /** The build of {@code java -jar JAR} as the agent computes it: the jar's path, size and time. */
    private static String buildOf(Path jar) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update(jar.toString().getBytes(StandardCharsets.UTF_8));
        d.update((Files.size(jar) + ":" + Files.getLastModifiedTime(jar).toMillis()).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest(), 0, 8);
    }

    /** What a command printed, with numbers (times, ages, pids) and the test's folder taken out. */
    private static String normal(String s, Cli c) {
        return s.replace(c.home().getParent().toString(), "ROOT").replaceAll("\\d+(\\.\\d+)?", "N");
    }

    /**
     * Stdout as {@link #normal}; JSON (ls --json) as its tree, without ids and times, for the order of a machine's
     * tags is not the same from one JVM to the next (with or without the agent).
     */
    private static Object normalOut(String s, Cli c) {
        if (!s.startsWith("[")) return normal(s, c);
        try {
            com.fasterxml.jackson.databind.JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
            for (com.fasterxml.jackson.databind.JsonNode n : tree) {
                for (String field : List.of("id", "age_hours", "created_at")) {
                    ((com.fasterxml.jackson.databind.node.ObjectNode) n).put(field, "X");
                }
            }
            return tree;
        } catch (IOException e) {
            return s;
        }
    }

    /** Starts the agent (the first command goes through the JVM client, which starts it) and launches task0.keep. */
    private void warm(Cli on) {
        run(on, "", "launch", "keep", "--yes").expectExit(0);
        assertThat(on.home().resolve("agent/agent.sock")).exists();
    }

    @Test
    void theCommandsTheAgentServesPrintReadAndExitAsWithoutTheAgentAndStartNoJvm() throws Exception {
        Cli off = cli("a", false);
        Cli on = cli("b", true);
        run(off, "", "launch", "keep", "--yes").expectExit(0);
        warm(on);
        assertThat(agentBuild(on)).isEqualTo(buildOf(jar.toRealPath()));
        long jvms = javaStarts(on);

        List<List<String>> session = List.of(
                List.of("", "exec", "task0.keep", "--", "echo $GREETING from $PWD; exit 3"),
                List.of("", "exec", "--raw", "task0.keep", "--", "echo out; echo err >&2; exit 4"),
                List.of("piped into it\n", "exec", "--raw", "task0.keep", "--", "cat; echo done"),
                List.of("piped into it\n", "exec", "-i", "--raw", "task0.keep", "--", "cat; echo done"),
                List.of("piped into it\n", "exec", "--stdin", "task0.keep", "--", "cd .. && cat && echo $GREETING"),
                List.of("", "exec", "task0.nosuch", "--", "true"),
                List.of("", "ls", "--stop", "--json"),
                List.of("", "ls", "--bogus"),
                List.of("", "logs", "keep"));
        List<String> differences = new ArrayList<>();
        for (List<String> line : session) {
            String[] args = line.subList(1, line.size()).toArray(String[]::new);
            Cli.Result without = run(off, line.get(0), args);
            Cli.Result with = run(on, line.get(0), args);
            if (without.exitCode() != with.exitCode() || !normalOut(without.out(), off).equals(normalOut(with.out(), on))
                    || !normal(without.err(), off).equals(normal(with.err(), on))) {
                differences.add(String.join(" ", args) + "\nwithout the agent: " + without + "\nwith the agent: " + with);
            }
        }
        assertThat(differences).isEmpty();
        assertThat(run(on, "", "exec", "task0.keep", "--", "exit 3").exitCode()).isEqualTo(1);
        // More input than one request for it asks (64 KiB), through the native client, whole and in order.
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 40_000; i++) lines.append("line ").append(i).append('\n');
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(run(on, lines.toString(), "exec", "-i", "task0.keep", "--", "sha256sum").out())
                .isEqualTo("task0> " + sha + "  -\n");
        assertThat(run(on, "", "ls", "--bogus").exitCode()).isEqualTo(2);
        // The agent ran them, and no JVM started for them: the native client talked to it.
        assertThat(on.home().resolve("agent/agent.log")).content().contains("fastgpu exec exited 1", "fastgpu ls exited 2");
        assertThat(javaStarts(on)).as(Files.exists(javaCalls) ? Files.readString(javaCalls) : "").isEqualTo(jvms);
        assertThat(jar.resolveSibling("fastgpu-client")).isExecutable();
    }

    @Test
    void aLaunchsCostQuestionReadsTheAnswerPipedIntoTheNativeClient() throws Exception {
        int sshPort;
        try (java.net.ServerSocket p = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            sshPort = p.getLocalPort();
        }
        String secret = "native-client-secret-" + System.nanoTime();
        try (io.fastgpu.emulator.aliyun.EmulatedCloud cloud = io.fastgpu.emulator.aliyun.EmulatedCloud.start(
                io.fastgpu.emulator.aliyun.EmulatorConfig.builder().accessKey("LTAI-native", secret).loopbackAddresses(true)
                        .bootLatency(Duration.ofMillis(300)).build(), 0, tmp.resolve("machines"), sshPort)) {
            Cli off = cli("f", false).env(cloud.environment("LTAI-native", secret));
            Cli on = cli("g", true).env(cloud.environment("LTAI-native", secret));
            warm(on);
            for (Cli c : List.of(off, on)) c.job("cloud", "name: cloud\nsteps:\n  - {name: a, run: 'true'}\n");
            long jvms = javaStarts(on);
            for (String answer : List.of("n\n", "")) {
                Cli.Result without = run(off, answer, "launch", "cloud", "--backend", "aliyun");
                Cli.Result with = run(on, answer, "launch", "cloud", "--backend", "aliyun");
                assertThat(with.exitCode()).as(with.toString()).isEqualTo(without.exitCode()).isEqualTo(1);
                assertThat(with.out()).isEqualTo(without.out());
                assertThat(with.err()).isEqualTo(without.err()).contains("Confirm to continue? (y/n)")
                        .contains("not confirmed: nothing was created");
            }
            assertThat(javaStarts(on)).isEqualTo(jvms);
            assertThat(cloud.api().instances()).isEmpty();
        }
    }

    @Test
    void ctrlCEndsTheRemoteCommandWithTheExitCodeTheJvmClientGives() throws Exception {
        Cli on = cli("c", true);
        warm(on);
        long jvms = javaStarts(on);
        try (ForkedCli exec = start(on, "exec", "task0.keep", "--", "echo started; sleep 343")) {
            assertThat(exec.awaitLine("started", Duration.ofSeconds(60))).as(exec.output()).isTrue();
            exec.signal("INT");
            assertThat(exec.awaitExit(30_000)).as(exec.output()).isTrue();
            assertThat(exec.exitCode()).as(exec.output()).isEqualTo(130);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> LaunchPlanTest.processes("sleep 343").isEmpty());
        assertThat(javaStarts(on)).isEqualTo(jvms);
        // The agent lives on and serves the next command.
        assertThat(run(on, "", "exec", "task0.keep", "--", "echo again").expectExit(0).out()).contains("again");
    }

    @Test
    void anAgentKilledMidCommandIsTheJvmClientsOneLineAndExitCode() throws Exception {
        Cli on = cli("d", true);
        warm(on);
        try (ForkedCli exec = start(on, "exec", "task0.keep", "--", "echo started; sleep 353")) {
            assertThat(exec.awaitLine("started", Duration.ofSeconds(60))).as(exec.output()).isTrue();
            long pid = agentPid(on);
            new ProcessBuilder("kill", "-KILL", String.valueOf(pid)).start().waitFor();
            assertThat(exec.awaitExit(20_000)).as(exec.output()).isTrue();
            exec.awaitOutputEnd();
            assertThat(exec.exitCode()).isEqualTo(1);
            assertThat(exec.output().lines().filter(l -> l.contains("agent")).toList()).containsExactly(
                    "error: the FastGPU agent (pid " + pid + ") ended during the command; the next command starts a new one"
                            + " (its log: " + on.home().resolve("agent/agent.log") + ")");
        }
    }

    @Test
    void anAgentOfAnotherBuildIsReplacedByTheJvmClientAndTheCommandRuns() throws Exception {
        Cli on = cli("e", true);
        warm(on);
        long old = agentPid(on);
        // A new build of the jar: the agent that runs is of the old one.
        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 1000));
        long jvms = javaStarts(on);

        Cli.Result ls = run(on, "", "ls", "--stop");

        ls.expectExit(0);
        assertThat(ls.out()).contains("task0.keep");
        assertThat(ls.err()).isEmpty();
        assertThat(javaStarts(on)).as("the JVM client ran it").isGreaterThan(jvms);
        await().atMost(Duration.ofSeconds(20)).until(() -> !alive(old));
        assertThat(agentPid(on)).isNotEqualTo(old).matches(NativeClientTest::alive);
        assertThat(agentBuild(on)).isEqualTo(buildOf(jar.toRealPath()));
        // and the next command is the native client's again
        long now = javaStarts(on);
        run(on, "", "ls", "--stop").expectExit(0);
        assertThat(javaStarts(on)).isEqualTo(now);
    }
    @Test
    void aStoppedAgentIsStartedByTheNativeClientAsTheJvmClientStartsIt() throws Exception {
        String token = "native-start-token-" + System.nanoTime();
        Cli on = cli("h", true).env(Map.of("FASTGPU_TEST_TOKEN", token, "FASTGPU_AGENT_JAVA_OPTS", "-Dfastgpu.test=native  -Xmx512m"));
        warm(on);
        long first = agentPid(on);
        String firstLine = commandLine(first);
        run(on, "", "agent", "stop").expectExit(0);
        await().atMost(Duration.ofSeconds(20)).until(() -> !alive(first));
        // The agent left its class-data archive as it exited; a bogus option for the JVM client shows it is not started.
        on.env(Map.of("FASTGPU_JAVA_OPTS", "-XX:+NoSuchOptionForTheJvmClient"));
        long jvms = javaStarts(on);

        Cli.Result r = run(on, "", "exec", "task0.keep", "--", "echo $GREETING from $PWD");

        r.expectExit(0);
        assertThat(r.out()).isEqualTo("task0> hi from /tmp\n");
        assertThat(r.err()).isEmpty();
        long second = agentPid(on);
        assertThat(second).isNotEqualTo(first).matches(NativeClientTest::alive);
        assertThat(agentBuild(on)).isEqualTo(buildOf(jar.toRealPath()));
        // One JVM started, the agent's, with the same options as the one the JVM client started (and the archive).
        assertThat(javaStarts(on)).isEqualTo(jvms + 1);
        assertThat(Files.readAllLines(javaCalls).get((int) jvms)).endsWith(" agent run");
        String secondLine = commandLine(second);
        assertThat(secondLine).contains("-XX:SharedArchiveFile=" + on.home().resolve("agent").toRealPath(), "-Dfastgpu.test=native -Xmx512m -cp");
        assertThat(withoutArchive(secondLine)).isEqualTo(withoutArchive(firstLine));
        // Detached in a session of its own, in the home, its output to its log, without the credentials of the command.
        String environ = new String(Files.readAllBytes(Path.of("/proc", String.valueOf(second), "environ")), StandardCharsets.UTF_8);
        assertThat(environ).doesNotContain(token).contains("FASTGPU_HOME=" + on.home() + "\0");
        assertThat(Files.readSymbolicLink(Path.of("/proc", String.valueOf(second), "cwd"))).isEqualTo(on.home().toRealPath());
        String stat = Files.readString(Path.of("/proc", String.valueOf(second), "stat"));
        assertThat(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[3]).as("session id").isEqualTo(String.valueOf(second));
        assertThat(on.home().resolve("agent/agent.log")).content().contains("(pid " + second + ") serves");
        // The next command talks to it.
        assertThat(run(on, "", "exec", "task0.keep", "--", "echo again").expectExit(0).out()).contains("again");
        assertThat(javaStarts(on)).isEqualTo(jvms + 1);
    }
}
