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
 * private network, each with its own sshd and home. Tests that need them skip, saying why, when they are
 * not up (they need root; {@code scripts/test.sh} starts them).
 */
final class TestHosts {
    final Path dir;
    final List<String> ips;
    final Path key;
    final Path knownHosts;

    private TestHosts(Path dir, List<String> ips) {
        this.dir = dir;
        this.ips = ips;
        this.key = dir.resolve("client/id_ed25519");
        this.knownHosts = dir.resolve("client/known_hosts");
    }

    /** The hosts that answer, at least {@code needed} of them; skips the test otherwise. */
    static TestHosts require(int needed) {
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
        List<String> up = ips.stream().filter(TestHosts::answers).toList();
        assumeTrue(up.size() >= needed, "need " + needed + " test hosts answering on port 22, found " + up.size()
                + ": run 'scripts/testhosts.sh up " + needed + "' as root");
        return new TestHosts(dir, up);
    }

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

    /** Options for a one-task job on a fleet {@code lab} of the first test host, written into {@code home}. */
    static io.fastgpu.api.JobOptions oneHostJob(String name, Path home) {
        try {
            require(1).writeFleet(home, "lab", 1, false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return io.fastgpu.api.JobOptions.builder(name).backend("ssh")
                .backendOptions(java.util.Map.of(SshProvider.FLEET, "lab")).build();
    }

    /** Writes fleet {@code name} of the first {@code count} hosts into {@code home/fleets}. */
    Path writeFleet(Path home, String name, int count, boolean shared) throws IOException {
        StringBuilder sb = new StringBuilder("shared: " + shared + "\n")
                .append("defaults: {user: root, key: ").append(key).append("}\n")
                .append("known_hosts: ").append(knownHosts).append("\n")
                .append("hosts:\n");
        for (String ip : ips.subList(0, count)) sb.append("  - {host: ").append(ip).append("}\n");
        Path f = home.resolve("fleets").resolve(name + ".yaml");
        Files.createDirectories(f.getParent());
        return Files.writeString(f, sb.toString());
    }
}
