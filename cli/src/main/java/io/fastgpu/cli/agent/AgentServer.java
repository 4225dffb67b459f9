package io.fastgpu.cli.agent;

import io.fastgpu.transport.ssh.SshConnector;

import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code fastgpu agent run}: the resident agent of one FastGPU home. It listens on a Unix domain socket in the
 * home (mode 0600, in a folder only its user can enter), serves only its own user (checked on every
 * connection), runs each command as the command's own process would, and exits after an idle time.
 */
public final class AgentServer {
    /** Exit code: another agent already serves this home. */
    static final int ALREADY_RUNNING = 3;
    /** Exit code: the home's file system cannot hold a Unix socket (the note in the home says why). */
    static final int NO_SOCKET = 4;

    private final Path fastgpuHome;
    private final AgentHome files;
    private final Duration idle;
    private final PrintStream log;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong lastActivity = new AtomicLong(System.nanoTime());
    private final AtomicLong served = new AtomicLong();
    private final UserPrincipal owner;
    private volatile ServerSocketChannel server;

    private AgentServer(Path fastgpuHome, Duration idle, PrintStream log) throws IOException {
        this.fastgpuHome = fastgpuHome;
        this.files = AgentHome.of(fastgpuHome);
        this.idle = idle;
        this.log = log;
        this.owner = fastgpuHome.getFileSystem().getUserPrincipalLookupService()
                .lookupPrincipalByName(System.getProperty("user.name"));
    }

    /** Serves {@code fastgpuHome} until idle; the exit code. */
    public static int serve(Path fastgpuHome, Map<String, String> env, PrintStream log) throws IOException {
        AgentHome files = AgentHome.of(fastgpuHome);
        files.create();
        Duration idle = AgentHome.idle(env);
        try (FileChannel lockChannel = FileChannel.open(AgentHome.privateFile(files.lock()), StandardOpenOption.WRITE)) {
            FileLock lock = lockChannel.tryLock();
            if (lock == null) {
                log.println(now() + " another agent serves " + fastgpuHome + " (" + files.running().map(r -> "pid " + r.pid()).orElse("pid unknown") + ")");
                return ALREADY_RUNNING;
            }
            return new AgentServer(fastgpuHome, idle, log).run();
        }
    }

    /**
     * The code the first command runs before it reaches a machine, loaded and run once on the core the agent's start
     * leaves idle while that command is on its way (class loading and first runs are most of a cold command's time).
     */
    private void warmUp() {
        try {
            io.fastgpu.cli.Main.warmUp(fastgpuHome);
            SshConnector.warmUp();
        } catch (RuntimeException | LinkageError e) {
            log.println(now() + " warm-up: " + e);
        }
    }

    private int run() throws IOException {
        Files.deleteIfExists(files.socket()); // a stale one: no agent holds the lock
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(files.socket()));
            Files.setPosixFilePermissions(files.socket(), PosixFilePermissions.fromString("rw-------"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            ch.close();
            String why = "cannot listen on " + files.socket() + ": " + e.getMessage();
            Files.writeString(AgentHome.privateFile(files.unavailable()), why + "\n");
            log.println(now() + " " + why);
            return NO_SOCKET;
        }
        server = ch;
        long pid = ProcessHandle.current().pid();
        files.writeRunning(new AgentHome.Running(pid, AgentHome.build(), System.currentTimeMillis()));
        Runtime.getRuntime().addShutdownHook(new Thread(this::removeFiles, "fastgpu-agent-exit"));
        SshConnector.keepOpen();
        log.println(now() + " agent " + AgentHome.build() + " (pid " + pid + ") serves " + fastgpuHome + ", exits after "
                + idle.toSeconds() + " s idle");
        Thread warm = new Thread(this::warmUp, "fastgpu-agent-warm");
        warm.setDaemon(true);
        warm.start();
        Thread watchdog = new Thread(this::watchIdle, "fastgpu-agent-idle");
        watchdog.setDaemon(true);
        watchdog.start();
        while (ch.isOpen()) {
            SocketChannel c;
            try {
                c = ch.accept();
            } catch (IOException e) {
                if (!ch.isOpen()) break;
                log.println(now() + " accept failed: " + e.getMessage());
                continue;
            }
            touch();
            Thread t = new Thread(() -> serveConnection(c), "fastgpu-agent-connection");
            t.setDaemon(true);
            t.start();
        }
        log.println(now() + " agent exits");
        log.flush();
        return 0;
    }

    private void serveConnection(SocketChannel c) {
        try (c) {
            var peer = c.getOption(jdk.net.ExtendedSocketOptions.SO_PEERCRED);
            if (peer == null || !peer.user().equals(owner)) {
                log.println(now() + " refused a connection of user " + (peer == null ? "unknown" : peer.user().getName()));
                return;
            }
            active.incrementAndGet();
            try {
                new CommandSession(c, this).serve();
            } finally {
                active.decrementAndGet();
                touch();
            }
        } catch (IOException | RuntimeException e) {
            log.println(now() + " connection failed: " + e);
        }
    }

    /** A client of another build: refused, and this agent makes way for one of the client's build. */
    void otherBuild(String build) {
        log.println(now() + " a client of build " + build + " connected: this agent (build " + AgentHome.build() + ") exits");
        stop();
    }

    void commandEnded(String name, int exitCode, long millis) {
        served.incrementAndGet();
        log.println(now() + " " + name + " exited " + exitCode + " in " + millis + " ms");
    }

    void note(String line) { log.println(now() + " " + line); }

    private void touch() { lastActivity.set(System.nanoTime()); }

    private void watchIdle() {
        while (server != null && server.isOpen()) {
            try {
                Thread.sleep(Math.min(1000, Math.max(50, idle.toMillis() / 4)));
            } catch (InterruptedException e) {
                return;
            }
            if (active.get() == 0 && System.nanoTime() - lastActivity.get() > idle.toNanos()) {
                log.println(now() + " idle for " + idle.toSeconds() + " s after " + served.get() + " commands");
                stop();
            } else if (active.get() == 0 && !Files.exists(files.socket(), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                // Its socket was removed (the FastGPU home deleted): no command can reach it any more.
                log.println(now() + " its socket " + files.socket() + " is gone: exiting after " + served.get() + " commands");
                stop();
            }
        }
    }

    private void stop() {
        removeFiles();
        try {
            server.close();
        } catch (IOException e) {
            // closing is all that is left
        }
    }

    /** The socket and the pid file go with the agent; only this agent's (a newer one may have replaced them). */
    private synchronized void removeFiles() {
        try {
            if (files.running().map(r -> r.pid() == ProcessHandle.current().pid()).orElse(false)) {
                Files.deleteIfExists(files.pidFile());
                Files.deleteIfExists(files.socket());
            }
        } catch (IOException e) {
            // the next agent replaces them
        }
    }

    Path fastgpuHome() { return fastgpuHome; }

    static String now() { return Instant.now().toString(); }
}
