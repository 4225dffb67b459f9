package io.fastgpu.provider.ssh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The network-namespace test hosts that {@code scripts/testhosts.sh up N} brings up: real machines on a
 * private network, each with its own OpenSSH sshd, home and process table. Tests that need OpenSSH itself
 * use them and skip, saying why, when they are not up (they need root; {@code scripts/test.sh} starts them).
 * Everything else runs on {@link EmulatedHosts}, which need no root.
 *
 * @param dir the hosts' work folder
 * @param ips the addresses of the hosts that answer
 */
record NamespaceHosts(Path dir, List<String> ips) implements FleetHosts {
    /** The hosts that answer, at least {@code needed} of them; skips the test otherwise. */
    static NamespaceHosts require(int needed) {
        String env = System.getenv("FASTGPU_TESTHOSTS_DIR");
        Path dir = Path.of(env != null && !env.isBlank() ? env : "/var/lib/fastgpu-testhosts");
        Path hosts = dir.resolve("client/hosts");
        assumeTrue(Files.isRegularFile(hosts), "no test hosts (" + hosts + " missing): run 'scripts/testhosts.sh up 4' as root");
        // Without the bridge, their addresses would be routed off this machine: never contact those.
        assumeTrue(Files.exists(Path.of("/sys/class/net/fgbr0")), "test hosts are down (no bridge fgbr0): run"
                + " 'scripts/testhosts.sh up 4' as root");
        List<String> ips;
        try {
            ips = Files.readAllLines(hosts).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> up = ips.stream().filter(NamespaceHosts::answers).toList();
        assumeTrue(up.size() >= needed, "need " + needed + " test hosts answering on port 22, found " + up.size()
                + ": run 'scripts/testhosts.sh up " + needed + "' as root");
        return new NamespaceHosts(dir, up);
    }

    @Override public int port() { return 22; }

    @Override public Path key() { return dir.resolve("client/id_ed25519"); }

    @Override public Path knownHosts() { return dir.resolve("client/known_hosts"); }

    /** An sshd answers there: the connection opens and the SSH banner comes. */
    private static boolean answers(String ip) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ip, 22), 1000);
            s.setSoTimeout(2000);
            byte[] banner = s.getInputStream().readNBytes(4);
            return new String(banner, java.nio.charset.StandardCharsets.US_ASCII).equals("SSH-");
        } catch (IOException e) {
            return false;
        }
    }
}
