package io.fastgpu.emulator.machine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.io.IoSession;
import org.apache.sshd.common.session.helpers.AbstractSession;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.pubkey.UserAuthPublicKeyFactory;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.SessionFactory;

/**
 * One emulated machine: its disk and, while it is up, an SSH server on its addresses that runs
 * commands, shells and SFTP for root. Halting it kills every process that carries its marker.
 */
final class Machine {
    private static final System.Logger LOG = System.getLogger(Machine.class.getName());
    private static final Duration KILL_BOUND = Duration.ofSeconds(5);

    private final MachineDisk disk;
    private final int port;
    private final HostTools tools;
    private final ExecutorService io;
    private final IngressFilter ingress;
    private final AuthorizedKeys keys = new AuthorizedKeys();
    private MachineSpec spec;
    private SshServer server;
    /** Hung: a kernel stuck or a network cut (see {@link #hang()}); until it is halted. */
    private volatile boolean hung;

    private final java.util.function.Supplier<String> metadataUrl;

    Machine(MachineDisk disk, int port, HostTools tools, ExecutorService io, IngressFilter ingress,
            java.util.function.Supplier<String> metadataUrl) {
        this.metadataUrl = metadataUrl;
        this.disk = disk;
        this.port = port;
        this.tools = tools;
        this.io = io;
        this.ingress = ingress;
    }

    MachineDisk disk() {
        return disk;
    }

    /** The instance metadata service's address for this machine, or null. */
    String metadataUrl() {
        return metadataUrl.get();
    }

    HostTools tools() {
        return tools;
    }

    /** Runs the pumps of the machine's commands. */
    ExecutorService io() {
        return io;
    }

    synchronized boolean isUp() {
        return server != null && server.isStarted();
    }

    /**
     * Boots the machine, or brings a running one up to date: new keys take effect at once, a new
     * host name with the next command, new addresses by listening again (running commands go on).
     */
    synchronized void boot(MachineSpec wanted) throws IOException {
        keys.set(wanted.authorizedKeys());
        if (wanted.equals(spec) && isUp()) {
            return;
        }
        disk.create();
        writeHostname(wanted);
        writePowerTools();
        if (isUp() && wanted.addresses().equals(spec.addresses())) {
            spec = wanted;
            return;
        }
        stopServer();
        SshServer s = newServer(wanted.addresses());
        try {
            s.start();
        } catch (IOException | RuntimeException e) {
            s.stop(true);
            throw new IOException("machine " + disk.instanceId() + " cannot listen on " + wanted.addresses() + ":" + port
                    + ": " + e.getMessage(), e);
        }
        server = s;
        spec = wanted;
    }

    /**
     * Starts {@code bash -c command} on the machine without an SSH server, as a managed platform's node
     * runs its entry command: in a session of its own, in {@code dir}, with the machine's environment plus
     * {@code extraEnv} and the marker (so {@link #halt} ends it), stdout and stderr appended to {@code log}.
     */
    synchronized Process spawn(String hostname, String command, Path dir, java.util.Map<String, String> extraEnv, Path log)
            throws IOException {
        disk.create();
        writeHostname(new MachineSpec(List.of("127.0.0.1"), List.of(), hostname));
        List<String> argv = new java.util.ArrayList<>();
        if (tools.setsid() != null) {
            argv.add(tools.setsid().toString());
        }
        argv.addAll(List.of(tools.bash().toString(), "-c", command));
        ProcessBuilder builder = new ProcessBuilder(argv).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(MachineEnvironment.of(disk, tools, java.util.Map.of(), false,
                "127.0.0.1 0 0", "127.0.0.1 0 127.0.0.1 0"));
        builder.environment().putAll(extraEnv);
        builder.environment().put(MachineEnvironment.MARKER, disk.instanceId());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        return builder.start();
    }

    /**
     * Stops listening, closes the sessions and kills every process carrying the machine's marker
     * until none is left (bounded); the disk stays.
     */
    synchronized void halt() {
        stopServer();
        hung = false;
        spec = null;
        // Also what a login's cleared environment started with only the instance's id (FastGPU's watchdog).
        int left = ProcessTable.killUntilNone(() -> {
            java.util.Set<Long> pids = new java.util.LinkedHashSet<>(
                    ProcessTable.withEnvironmentEntry(MachineEnvironment.MARKER, disk.instanceId()));
            pids.addAll(ProcessTable.withEnvironmentEntry("FASTGPU_INSTANCE_ID", disk.instanceId()));
            return new java.util.ArrayList<>(pids);
        }, KILL_BOUND);
        if (left > 0) {
            LOG.log(System.Logger.Level.WARNING, "machine {0}: {1} process(es) survived SIGKILL for {2}s",
                    disk.instanceId(), left, KILL_BOUND.toSeconds());
        }
    }

    /**
     * The machine hangs, as one whose kernel is stuck or whose network was cut: its processes stop where they
     * are (SIGSTOP), commands on the sessions already open never start nor end, and new connections are taken
     * and never greeted. The cloud still lists it as running; only a halt (a stop, a reboot, a release) ends it.
     */
    synchronized void hang() {
        hung = true;
        java.util.Set<Long> pids = new java.util.LinkedHashSet<>(ProcessTable.withEnvironmentEntry(MachineEnvironment.MARKER, disk.instanceId()));
        pids.addAll(ProcessTable.withEnvironmentEntry("FASTGPU_INSTANCE_ID", disk.instanceId()));
        if (pids.isEmpty()) {
            return;
        }
        List<String> argv = new java.util.ArrayList<>(List.of("kill", "-STOP"));
        pids.forEach(p -> argv.add(String.valueOf(p)));
        try {
            new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "machine " + disk.instanceId() + ": could not stop its processes", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopServer() {
        SshServer s = server;
        server = null;
        if (s != null) {
            try {
                s.stop(true);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "machine " + disk.instanceId() + ": stopping its SSH server", e);
            }
        }
    }

    private SshServer newServer(List<String> addresses) {
        SshServer s = SshServer.setUpDefaultServer();
        s.setHost(String.join(",", addresses));
        s.setPort(port);
        SimpleGeneratorHostKeyProvider hostKey = new SimpleGeneratorHostKeyProvider(disk.hostKey());
        hostKey.setAlgorithm(KeyUtils.EC_ALGORITHM);
        hostKey.setKeySize(256);
        s.setKeyPairProvider(hostKey);
        // Post-quantum hybrids cost about 0.1 s of CPU per login in pure Java; an emulator on loopback needs none.
        s.setKeyExchangeFactories(s.getKeyExchangeFactories().stream()
                .filter(k -> !k.getName().contains("sntrup") && !k.getName().contains("mlkem"))
                .toList());
        s.setUserAuthFactories(List.of(UserAuthPublicKeyFactory.INSTANCE));
        s.setPublickeyAuthenticator(keys);
        s.setPasswordAuthenticator(null);
        s.setKeyboardInteractiveAuthenticator(null);
        s.setGSSAuthenticator(null);
        s.setHostBasedAuthenticator(null);
        s.setCommandFactory((channel, command) -> hung ? new SilentCommand() : MachineCommand.exec(this, command));
        s.setShellFactory(channel -> MachineCommand.shell(this, channel));
        s.setSubsystemFactories(List.of(new MachineSftp(disk.home())));
        s.setSessionFactory(new GuardedSessionFactory(s));
        s.setFileSystemFactory(new MachineFileSystem(disk.home()));
        CoreModuleProperties.SOCKET_REUSEADDR.set(s, true);
        // Like OpenSSH: no idle limit, and a slow reader only slows the writer down.
        CoreModuleProperties.IDLE_TIMEOUT.set(s, Duration.ofDays(7));
        CoreModuleProperties.NIO2_READ_TIMEOUT.set(s, Duration.ZERO);
        CoreModuleProperties.WAIT_FOR_SPACE_TIMEOUT.set(s, Duration.ofDays(7));
        CoreModuleProperties.AUTH_TIMEOUT.set(s, Duration.ofSeconds(60));
        // A client that closes a channel is done with its command: kill it now, not after MINA's grace of 5 s.
        CoreModuleProperties.COMMAND_EXIT_TIMEOUT.set(s, Duration.ofMillis(100));
        return s;
    }

    /**
     * Asks the ingress filter about each accepted connection before an SSH session (and its greeting)
     * exists, and closes a refused one unanswered.
     */
    private final class GuardedSessionFactory extends SessionFactory {
        GuardedSessionFactory(SshServer server) {
            super(server);
        }

        @Override
        public void sessionCreated(IoSession io) throws Exception {
            if (!admits(io.getLocalAddress(), io.getRemoteAddress())) {
                io.close(true);
                return;
            }
            if (hung) {
                return; // taken, never greeted: the client waits until it gives up
            }
            super.sessionCreated(io);
        }

        @Override
        public void sessionClosed(IoSession io) throws Exception {
            if (AbstractSession.getSession(io, true) != null) { // none for a refused connection
                super.sessionClosed(io);
            }
        }
    }

    private boolean admits(SocketAddress local, SocketAddress remote) {
        if (!(local instanceof InetSocketAddress l) || !(remote instanceof InetSocketAddress r)) {
            return true;
        }
        InboundConnection c = new InboundConnection(l.getAddress().getHostAddress(), l.getPort(),
                r.getAddress().getHostAddress(), r.getPort());
        try {
            boolean admitted = ingress.admits(disk.instanceId(), c);
            if (!admitted) {
                LOG.log(System.Logger.Level.DEBUG, "machine {0}: dropped a connection from {1}:{2} to {3}",
                        disk.instanceId(), c.remoteAddress(), String.valueOf(c.remotePort()), c.localAddress());
            }
            return admitted;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "machine " + disk.instanceId() + ": ingress check failed", e);
            return false;
        }
    }

    /** {@code bin/hostname}, found first on PATH: the machine's name rather than this host's. */
    private void writeHostname(MachineSpec s) throws IOException {
        String name = quote(s.hostname());
        String shortName = quote(s.hostname().split("\\.", 2)[0]);
        String addresses = quote(String.join(" ", s.addresses()));
        String script = "#!/bin/sh\n"
                + "# The emulated machine's host name; written by the emulator at each boot.\n"
                + "case \"$1\" in\n"
                + "  '') echo " + name + " ;;\n"
                + "  -s|--short) echo " + shortName + " ;;\n"
                + "  -f|--fqdn|--long|-A|--all-fqdns) echo " + name + " ;;\n"
                + "  -i|--ip-address|-I|--all-ip-addresses) echo " + addresses + " ;;\n"
                + "  *) echo \"hostname: you must be root to change the host name\" >&2; exit 1 ;;\n"
                + "esac\n";
        Path target = disk.bin().resolve("hostname");
        Path temp = Files.createTempFile(disk.bin(), ".hostname", ".tmp");
        Files.writeString(temp, script, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * {@code shutdown}, {@code poweroff} and {@code halt} that stop the instance as the cloud sees it (they leave a
     * request the emulator turns into the instance's Stopping, then Stopped), and a {@code crontab} that keeps the
     * machine's table on its disk (the emulator runs its {@code @reboot} lines at each boot), so nothing of
     * this host is powered off or scheduled.
     */
    private void writePowerTools() throws IOException {
        String request = quote(powerOffRequest().toString());
        String off = "#!/bin/sh\n# Emulated machine: shuts the instance down (the emulator stops it).\n"
                + "case \"$1\" in -r|--reboot) echo \"reboot is not emulated\" >&2; exit 1 ;; esac\n"
                + "date -u +%FT%TZ > " + request + ".tmp && mv -f " + request + ".tmp " + request + "\n"
                + "echo \"The system will power off now.\"\n";
        String table = quote(crontabFile().toString());
        String crontab = "#!/bin/sh\n# Emulated machine: the crontab lives on the machine's disk.\n"
                + "case \"$1\" in\n"
                + "  -l) [ -f " + table + " ] && cat " + table + " || { echo \"no crontab for root\" >&2; exit 1; } ;;\n"
                + "  -r) rm -f " + table + " ;;\n"
                + "  -) cat > " + table + " ;;\n"
                + "  *) echo \"crontab: only -l, -r and - are emulated\" >&2; exit 1 ;;\n"
                + "esac\n";
        for (var e : java.util.Map.of("shutdown", off, "poweroff", off, "halt", off, "crontab", crontab).entrySet()) {
            Path target = disk.bin().resolve(e.getKey());
            Path temp = Files.createTempFile(disk.bin(), "." + e.getKey(), ".tmp");
            Files.writeString(temp, e.getValue(), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Where {@code shutdown} on the machine leaves its request. */
    Path powerOffRequest() {
        return disk.dir().resolve("power-off");
    }

    private Path crontabFile() {
        return disk.dir().resolve("crontab");
    }

    /** Runs the {@code @reboot} lines of the machine's crontab, detached, as cron does at boot. */
    synchronized void runRebootJobs() {
        List<String> lines;
        try {
            lines = Files.exists(crontabFile()) ? Files.readAllLines(crontabFile(), StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "machine " + disk.instanceId() + ": cannot read its crontab", e);
            return;
        }
        for (String line : lines) {
            if (!line.startsWith("@reboot ")) continue;
            ProcessBuilder b = new ProcessBuilder(tools.setsid() == null ? List.of(tools.bash().toString(), "-c", line.substring(8))
                    : List.of(tools.setsid().toString(), tools.bash().toString(), "-c", line.substring(8)))
                    .directory(disk.home().toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
            b.environment().clear();
            b.environment().putAll(MachineEnvironment.of(disk, tools, java.util.Map.of(), false, "", ""));
            try {
                b.start();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "machine " + disk.instanceId() + ": @reboot line failed", e);
            }
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
