package io.fastgpu.cli.agent;

import sun.misc.Signal;

import java.io.DataInputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The thin command line: hands a command that needs connections to the home's agent (starting one when there
 * is none) and plays back what the agent sends: stdout, stderr, requests for stdin, and the exit code.
 * Ctrl-C goes to the agent, which interrupts the command as its own process would be.
 */
public final class AgentClient {
    /** The commands worth an agent: those that connect to machines or provider APIs. */
    static final Set<String> COMMANDS = Set.of("exec", "launch", "scp", "ls", "logs");
    /** How long a new agent may take to listen (a JVM start on a machine under heavy load). */
    private static final long START_MILLIS = 60_000;

    private final Path home;
    private final AgentHome files;
    private final Map<String, String> env;
    private final PrintStream stderr;

    private AgentClient(Path home, Map<String, String> env, PrintStream stderr) {
        this.home = home;
        this.files = AgentHome.of(home);
        this.env = env;
        this.stderr = stderr;
    }

    /** Whether {@code args} go to the agent with this environment. */
    static boolean forwarded(String[] args, Map<String, String> env) {
        if ("off".equalsIgnoreCase(env.getOrDefault(AgentHome.AGENT_ENV, "").strip())) return false;
        // The SSH key passphrase stays in the command's own process: the agent never holds it.
        if (env.containsKey("FASTGPU_SSH_PASSPHRASE")) return false;
        return args.length > 0 && COMMANDS.contains(args[0]);
    }

    /**
     * Runs {@code args} through the agent of {@code home}; the exit code, or empty when the command is to run in
     * this process (the agent is off, not for this command, or cannot run here).
     */
    public static Optional<Integer> run(String[] args, Path home, Path workDir, Map<String, String> env, boolean terminal) {
        if (!forwarded(args, env)) return Optional.empty();
        try {
            AgentHome.idle(env); // a bad setting is the user's to fix, said here: the agent would only fail to start
        } catch (io.fastgpu.api.InvalidSpecException e) {
            System.err.println("error: " + e.getMessage());
            return Optional.of(2);
        }
        AgentClient c = new AgentClient(home, env, System.err);
        if (Files.exists(c.files.unavailable())) return Optional.empty();
        SocketChannel ch;
        try {
            ch = c.connectOrStart();
        } catch (IOException e) {
            c.stderr.println("fastgpu: the resident agent is not available (" + e.getMessage() + "); running the command in this process");
            return Optional.empty();
        }
        if (ch == null) return Optional.empty();
        return Optional.of(c.talk(ch, new CommandRequest(Arrays.asList(args), workDir.toString(), terminal, env)));
    }

    /** A connection to an agent of this build that said yes, or null when this command runs in-process. */
    private SocketChannel connectOrStart() throws IOException {
        Optional<AgentHome.Running> r = files.running();
        if (r.isPresent() && r.get().build().equals(AgentHome.build())) {
            Answer a = hello();
            if (a.channel != null) return a.channel;
            if (Hello.OTHER_ENVIRONMENT.equals(a.refusal)) return null;
        }
        files.create();
        try (FileChannel lockChannel = FileChannel.open(AgentHome.privateFile(files.startLock()), StandardOpenOption.WRITE);
             FileLock ignored = lockChannel.lock()) {
            // Whoever held the lock before may have started one.
            r = files.running();
            if (r.isPresent()) {
                if (r.get().build().equals(AgentHome.build())) {
                    Answer a = hello();
                    if (a.channel != null) return a.channel;
                    if (Hello.OTHER_ENVIRONMENT.equals(a.refusal)) return null;
                }
                stop(r.get().pid());
            }
            Process p = spawn();
            long deadline = System.currentTimeMillis() + START_MILLIS;
            int respawns = 0;
            while (System.currentTimeMillis() < deadline) {
                Answer a = hello();
                if (a.channel != null) return a.channel;
                if (a.refusal != null) return null;
                if (!p.isAlive()) {
                    // Its exit code may be the JVM's own (an archive it could not write), so the note decides.
                    if (Files.exists(files.unavailable())) {
                        String why = Files.readString(files.unavailable()).strip();
                        stderr.println("fastgpu: the resident agent cannot run here (" + why + "); commands run in their own process");
                        return null;
                    }
                    if (p.exitValue() != AgentServer.ALREADY_RUNNING || respawns++ >= 5) {
                        throw new IOException("it exited with code " + p.exitValue() + "; see " + files.log());
                    }
                    // An agent that was on its way out (another build's) still held the home: try again once it is gone.
                    sleep(200);
                    p = spawn();
                }
                sleep(15);
            }
            throw new IOException("it did not start within " + START_MILLIS / 1000 + " s; see " + files.log());
        }
    }

    /** A connection and the agent's yes, or the refusal's reason, or neither when nothing listens. */
    private record Answer(SocketChannel channel, String refusal) { }

    private Answer hello() {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(files.socket()));
            new Frames.Writer(ch).write(Frames.HELLO, Hello.ofThisProcess(env).toBody());
            Frames.Frame f = Frames.read(Frames.input(ch));
            if (f != null && f.type() == Frames.OK) return new Answer(ch, null);
            ch.close();
            return new Answer(null, f != null && f.type() == Frames.REFUSED ? f.text() : null);
        } catch (IOException | RuntimeException e) {
            if (ch != null) {
                try {
                    ch.close();
                } catch (IOException ignored) {
                    // nothing to close
                }
            }
            return new Answer(null, null);
        }
    }

    /** Stops the agent {@code pid} if it still runs (of another build, or not answering), and waits for it to go. */
    static boolean stop(long pid) {
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(AgentClient::isAgent);
        if (p.isEmpty()) return false;
        p.get().destroy();
        try {
            p.get().onExit().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.get().destroyForcibly();
            try {
                p.get().onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // it is being killed
            }
        }
        return true;
    }

    /** Whether a process is a FastGPU agent (not another process that got a dead agent's pid). */
    static boolean isAgent(ProcessHandle p) {
        if (!p.isAlive()) return false;
        Path cmdline = Path.of("/proc", String.valueOf(p.pid()), "cmdline");
        if (Files.isReadable(cmdline)) {
            // Read whole: the JDK's view of the arguments may be cut short for a long class path.
            try {
                String line = new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8);
                return line.contains("io.fastgpu.cli.Main\0") && line.endsWith("\0agent\0run\0");
            } catch (IOException e) {
                return false;
            }
        }
        return p.info().arguments().map(a -> {
            List<String> l = Arrays.asList(a);
            return l.size() >= 2 && l.get(l.size() - 2).equals("agent") && l.get(l.size() - 1).equals("run");
        }).orElse(false);
    }

    /** Starts the agent detached: a session of its own (a terminal's Ctrl-C is not its), output to its log. */
    private Process spawn() throws IOException {
        List<String> cmd = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) cmd.add("/usr/bin/setsid");
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xss1m", "-Xlog:disable", "-Xlog:all=error:stderr"));
        cmd.add(classArchive());
        String opts = env.get("FASTGPU_AGENT_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) cmd.addAll(Arrays.asList(opts.strip().split("\\s+")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.fastgpu.cli.Main", "agent", "run"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(AgentHome.privateFile(files.log()).toFile()))
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(withoutSecrets(env));
        pb.environment().put("FASTGPU_HOME", home.toString());
        return pb.start();
    }

    /**
     * The agent's class-data archive: the classes a previous agent of this build loaded, written as it exited, so that
     * a new agent starts as fast as the short-lived CLI does; the first agent of a build writes it.
     */
    private String classArchive() {
        String build = AgentHome.build();
        Path archive = files.dir().resolve("agent-" + build + ".jsa");
        Path pending = files.dir().resolve("agent-" + build + ".jsa.new");
        try (var old = Files.newDirectoryStream(files.dir(), "agent-*.jsa*")) {
            for (Path p : old) {
                if (!p.getFileName().toString().startsWith("agent-" + build + ".")) Files.deleteIfExists(p);
            }
            // No agent runs now (this is under the start lock, before starting one): a pending archive is complete.
            if (Files.isRegularFile(pending) && Files.size(pending) > 0) {
                Files.move(pending, archive, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                Files.setPosixFilePermissions(archive, java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
            }
        } catch (IOException e) {
            // without an archive it starts a little slower
        }
        return Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive : "-XX:ArchiveClassesAtExit=" + pending;
    }

    /** The agent's own environment: the client's without credentials (each command brings its own, for its duration). */
    static Map<String, String> withoutSecrets(Map<String, String> env) {
        Map<String, String> kept = new java.util.LinkedHashMap<>();
        env.forEach((k, v) -> {
            String u = k.toUpperCase(java.util.Locale.ROOT);
            boolean secret = u.startsWith("ALIYUN") || u.startsWith("ALIBABA_CLOUD") || u.startsWith("FASTGPU_ALIYUN")
                    || u.contains("SECRET") || u.contains("TOKEN") || u.contains("PASSWORD") || u.contains("PASSPHRASE")
                    || u.contains("ACCESS_KEY") || u.contains("CREDENTIAL");
            if (!secret) kept.put(k, v);
        });
        return kept;
    }

    private int talk(SocketChannel ch, CommandRequest request) {
        long agentPid = files.running().map(AgentHome.Running::pid).orElse(-1L);
        Frames.Writer writer = new Frames.Writer(ch);
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        OutputStream err = new FileOutputStream(FileDescriptor.err);
        ExecutorService stdinReader = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "fastgpu-stdin");
            t.setDaemon(true);
            return t;
        });
        AtomicInteger signals = new AtomicInteger();
        List<Signal> handled = new ArrayList<>();
        try {
            writer.write(Frames.REQUEST, request.toBody());
            for (String name : List.of("INT", "TERM")) {
                try {
                    Signal s = new Signal(name);
                    Signal.handle(s, sig -> {
                        // The agent ends the command; a third signal ends this client even if the agent does not answer.
                        if (signals.incrementAndGet() > 2) Runtime.getRuntime().halt(128 + sig.getNumber());
                        try {
                            writer.write(Frames.SIGNAL, sig.getName());
                        } catch (IOException e) {
                            Runtime.getRuntime().halt(128 + sig.getNumber());
                        }
                    });
                    handled.add(s);
                } catch (IllegalArgumentException e) {
                    // the JVM keeps this signal (-Xrs)
                }
            }
            DataInputStream in = Frames.input(ch);
            InputStream stdin = System.in;
            for (Frames.Frame f; (f = Frames.read(in)) != null; ) {
                switch (f.type()) {
                    case Frames.OUT -> { out.write(f.body()); }
                    case Frames.ERR -> { err.write(f.body()); }
                    case Frames.WANT_STDIN -> {
                        int want = Math.max(1, Math.min(f.number(), 65536));
                        stdinReader.execute(() -> {
                            try {
                                byte[] b = new byte[want];
                                int n = stdin.read(b);
                                if (n < 0) writer.write(Frames.STDIN_EOF, new byte[0]);
                                else writer.write(Frames.STDIN, Arrays.copyOf(b, n));
                            } catch (IOException e) {
                                try {
                                    writer.write(Frames.STDIN_EOF, new byte[0]);
                                } catch (IOException ignored) {
                                    // the agent is gone; the loop below says so
                                }
                            }
                        });
                    }
                    case Frames.EXIT -> {
                        return f.number();
                    }
                    default -> { }
                }
            }
        } catch (IOException e) {
            // the agent is gone: said below
        } finally {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closed
            }
        }
        stderr.println("error: the FastGPU agent" + (agentPid > 0 ? " (pid " + agentPid + ")" : "") + " ended during the command;"
                + " the next command starts a new one (its log: " + files.log() + ")");
        return 1;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
}
