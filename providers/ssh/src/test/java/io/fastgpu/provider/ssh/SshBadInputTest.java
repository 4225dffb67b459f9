package io.fastgpu.provider.ssh;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;
import io.fastgpu.core.transport.OutputSink;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Host keys, logins and key files against OpenSSH's sshd: each kind of bad input is one clear line. */
class SshBadInputTest {
    @TempDir Path home;
    NamespaceHosts hosts;

    @BeforeEach
    void hosts() { hosts = NamespaceHosts.require(2); }

    private SshTransport transport(SshConnector c, String ip, int port, Path key) {
        return new SshTransport(c, new SshTarget(ip, port, "root", List.of(key), ""), ip, Map.of(), null);
    }

    private static void exec(SshTransport t) { t.exec("true", OutputSink.DISCARD, Duration.ofSeconds(30)); }

    private static Path keygen(Path dir, String name, String passphrase) throws Exception {
        Path key = dir.resolve(name);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-f", key.toString()).start();
        assertThat(p.waitFor()).isZero();
        return key;
    }

    @Test
    void aChangedHostKeyIsRefusedNamingBothFingerprintsAndTheWayOut() throws Exception {
        Path other = keygen(home, "other", "");
        String fakePin = hosts.ips().get(0) + " " + Files.readString(other.resolveSibling("other.pub")).strip() + "\n";
        Path known = Files.writeString(home.resolve("known_hosts"), fakePin);
        try (SshConnector c = new SshConnector(known, List.of(), null, k -> Optional.empty())) {
            assertThatThrownBy(() -> exec(transport(c, hosts.ips().get(0), 22, hosts.key())))
                    .isInstanceOf(FastGpuException.class)
                    .hasMessageContaining("the host key of " + hosts.ips().get(0) + " has changed")
                    .hasMessageMatching(".*pinned SHA256:\\S+, offered SHA256:\\S+.*")
                    .hasMessageContaining("fastgpu forget-host " + hosts.ips().get(0));
        }
    }

    @Test
    void anUnknownHostKeyIsPinnedOnFirstConnectPreferringEd25519AsOpenSshDoes() {
        Path known = home.resolve("known_hosts");
        try (SshConnector c = new SshConnector(known, List.of(), null, k -> Optional.empty())) {
            exec(transport(c, hosts.ips().get(1), 22, hosts.key()));
        }
        assertThat(known).content().matches(java.util.regex.Pattern.quote(hosts.ips().get(1)) + " ssh-ed25519 \\S+\\s*");
    }

    @Test
    void aHostPinnedWithOneOfItsKeyTypesIsAskedForThatTypeAndNotRefused() throws Exception {
        // The hosts have an Ed25519 and an ECDSA key. A host pinned with either (an earlier version took the ECDSA one)
        // must be asked for that one: asked for the other, it would be refused as a changed key.
        String ip = hosts.ips().get(0);
        for (String type : List.of("ecdsa-sha2-nistp256", "ssh-ed25519")) {
            List<String> lines = Files.readAllLines(hosts.knownHosts()).stream()
                    .filter(l -> List.of(l.split("\\s+")[0].split(",")).contains(ip)).filter(l -> l.contains(" " + type + " ")).toList();
            assertThat(lines).hasSize(1);
            Path known = Files.writeString(home.resolve("known_hosts"), ip + " " + lines.get(0).split("\\s+", 2)[1] + "\n");
            try (SshConnector c = new SshConnector(known, List.of(), null, k -> Optional.empty())) {
                exec(transport(c, ip, 22, hosts.key()));
            }
            assertThat(Files.readAllLines(known)).hasSize(1);
        }
    }

    @Test
    void aWrongKeyAClosedPortAndAMissingKeyFileAreOneLineEach() throws Exception {
        Path stranger = keygen(home, "stranger", "");
        try (SshConnector c = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts()), null, k -> Optional.empty())) {
            assertThatThrownBy(() -> exec(transport(c, hosts.ips().get(0), 22, stranger)))
                    .hasMessageContaining("cannot log in to root@" + hosts.ips().get(0)).hasMessageContaining("refused");
            assertThatThrownBy(() -> exec(transport(c, hosts.ips().get(0), 2222, hosts.key())))
                    .hasMessageContaining("cannot reach root@" + hosts.ips().get(0) + ":2222").hasMessageContaining("refused");
            assertThatThrownBy(() -> exec(transport(c, hosts.ips().get(0), 22, home.resolve("nope"))))
                    .hasMessageContaining("SSH key " + home.resolve("nope") + " does not exist");
        }
    }

    @Test
    void anEncryptedKeyNeedsItsPassphrase() throws Exception {
        Path encrypted = home.resolve("enc");
        Files.copy(hosts.key(), encrypted);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-p", "-N", "s3cret", "-f", encrypted.toString()).start();
        assertThat(p.waitFor()).isZero();
        try (SshConnector none = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts()), null, k -> Optional.empty());
             SshConnector wrong = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts()), null, k -> Optional.of("nope"));
             SshConnector right = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts()), null, k -> Optional.of("s3cret"))) {
            assertThatThrownBy(() -> exec(transport(none, hosts.ips().get(0), 22, encrypted)))
                    .hasMessageContaining("is encrypted; set FASTGPU_SSH_PASSPHRASE");
            assertThatThrownBy(() -> exec(transport(wrong, hosts.ips().get(0), 22, encrypted)))
                    .hasMessageContaining("wrong passphrase for SSH key " + encrypted)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("nope"));
            exec(transport(right, hosts.ips().get(0), 22, encrypted));
        }
    }
}
