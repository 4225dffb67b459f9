package io.fastgpu.provider.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * OpenSSH's own sshd, run as this user on a loopback port: how OpenSSH treats a session, without root.
 * It logs in this user only, with a key of the test; HOME is a folder of the test, so nothing is written
 * to the user's real home. Skips the test, saying why, where there is no sshd or it cannot start (as root
 * it needs the privilege separation folder /run/sshd, which {@code scripts/testhosts.sh up} makes).
 */
final class LoopbackSshd implements FleetHosts, AutoCloseable {
    private static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Process sshd;
    private final int port;
    private final Path key;
    private final Path knownHosts;

    private LoopbackSshd(Process sshd, int port, Path key, Path knownHosts) {
        this.sshd = sshd;
        this.port = port;
        this.key = key;
        this.knownHosts = knownHosts;
    }

    static LoopbackSshd start(Path dir) {
        assumeTrue(Files.isExecutable(SSHD), "no OpenSSH server (" + SSHD + "): install openssh-server");
        try {
            Path key = dir.resolve("client/id_ed25519");
            Files.writeString(dir.resolve("authorized_keys"), TestKeys.write(key) + "\n");
            Path hostKey = dir.resolve("ssh_host_ed25519_key");
            String hostPublic = TestKeys.write(hostKey);
            int port = freePort();
            Path knownHosts = Files.writeString(dir.resolve("client/known_hosts"), "[127.0.0.1]:" + port + " " + hostPublic + "\n");
            Files.createDirectories(dir.resolve("home"));
            Path config = Files.writeString(dir.resolve("sshd_config"), String.join("\n",
                    "Port " + port, "ListenAddress 127.0.0.1", "HostKey " + hostKey,
                    "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PidFile none", "UsePAM no", "StrictModes no",
                    "PasswordAuthentication no", "KbdInteractiveAuthentication no", "PermitRootLogin prohibit-password",
                    "SetEnv HOME=" + dir.resolve("home"), "Subsystem sftp internal-sftp", ""));
            Path log = dir.resolve("sshd.log");
            Process p = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!answers(port)) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    assumeTrue(false, "OpenSSH's sshd did not start on 127.0.0.1:" + port + ": "
                            + (lines.isEmpty() ? "no output" : lines.get(lines.size() - 1)));
                }
                Thread.sleep(50);
            }
            return new LoopbackSshd(p, port, key, knownHosts);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override public List<String> ips() { return List.of("127.0.0.1"); }

    @Override public int port() { return port; }

    @Override public String user() { return System.getProperty("user.name"); }

    @Override public Path key() { return key; }

    @Override public Path knownHosts() { return knownHosts; }

    /** Stops sshd; the sessions it serves end with it. */
    @Override
    public void close() {
        sshd.destroy();
        try {
            if (!sshd.waitFor(10, TimeUnit.SECONDS)) sshd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean answers(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(2000);
            return new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
