package io.fastgpu.provider.ssh;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.FastGpu;
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

/** Each kind of bad input is one clear line, and nothing is claimed or changed on any host. */
class SshBadInputTest {
    @TempDir Path home;
    TestHosts hosts;

    @BeforeEach
    void hosts() { hosts = TestHosts.require(2); }

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
        String fakePin = hosts.ips.get(0) + " " + Files.readString(other.resolveSibling("other.pub")).strip() + "\n";
        Path known = Files.writeString(home.resolve("known_hosts"), fakePin);
        try (SshConnector c = new SshConnector(known, List.of(), null, k -> Optional.empty())) {
            assertThatThrownBy(() -> exec(transport(c, hosts.ips.get(0), 22, hosts.key)))
                    .isInstanceOf(FastGpuException.class)
                    .hasMessageContaining("the host key of " + hosts.ips.get(0) + " has changed")
                    .hasMessageMatching(".*pinned SHA256:\\S+, offered SHA256:\\S+.*")
                    .hasMessageContaining("fastgpu forget-host " + hosts.ips.get(0));
        }
    }

    @Test
    void anUnknownHostKeyIsPinnedOnFirstConnect() {
        Path known = home.resolve("known_hosts");
        try (SshConnector c = new SshConnector(known, List.of(), null, k -> Optional.empty())) {
            exec(transport(c, hosts.ips.get(1), 22, hosts.key));
        }
        assertThat(known).content().matches(java.util.regex.Pattern.quote(hosts.ips.get(1)) + " (ssh-|ecdsa-)\\S+ \\S+\\s*");
    }

    @Test
    void aWrongKeyAClosedPortAndAMissingKeyFileAreOneLineEach() throws Exception {
        Path stranger = keygen(home, "stranger", "");
        try (SshConnector c = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts), null, k -> Optional.empty())) {
            assertThatThrownBy(() -> exec(transport(c, hosts.ips.get(0), 22, stranger)))
                    .hasMessageContaining("cannot log in to root@" + hosts.ips.get(0)).hasMessageContaining("refused");
            assertThatThrownBy(() -> exec(transport(c, hosts.ips.get(0), 2222, hosts.key)))
                    .hasMessageContaining("cannot reach root@" + hosts.ips.get(0) + ":2222").hasMessageContaining("refused");
            assertThatThrownBy(() -> exec(transport(c, hosts.ips.get(0), 22, home.resolve("nope"))))
                    .hasMessageContaining("SSH key " + home.resolve("nope") + " does not exist");
        }
    }

    @Test
    void anEncryptedKeyNeedsItsPassphrase() throws Exception {
        Path encrypted = home.resolve("enc");
        Files.copy(hosts.key, encrypted);
        Process p = new ProcessBuilder("ssh-keygen", "-q", "-p", "-N", "s3cret", "-f", encrypted.toString()).start();
        assertThat(p.waitFor()).isZero();
        try (SshConnector none = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts), null, k -> Optional.empty());
             SshConnector wrong = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts), null, k -> Optional.of("nope"));
             SshConnector right = new SshConnector(home.resolve("kh"), List.of(hosts.knownHosts), null, k -> Optional.of("s3cret"))) {
            assertThatThrownBy(() -> exec(transport(none, hosts.ips.get(0), 22, encrypted)))
                    .hasMessageContaining("is encrypted; set FASTGPU_SSH_PASSPHRASE");
            assertThatThrownBy(() -> exec(transport(wrong, hosts.ips.get(0), 22, encrypted)))
                    .hasMessageContaining("wrong passphrase for SSH key " + encrypted)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("nope"));
            exec(transport(right, hosts.ips.get(0), 22, encrypted));
        }
    }

    @Test
    void fleetProblemsAreFoundBeforeAnythingIsClaimed() throws Exception {
        hosts.writeFleet(home, "two", 2, false);
        Files.writeString(home.resolve("fleets/dup.yaml"), "hosts:\n  - {host: " + hosts.ips.get(0) + "}\n  - {host: "
                + hosts.ips.get(0) + ", port: 22}\n");
        Files.writeString(home.resolve("fleets/down.yaml"), "defaults: {user: root, key: " + hosts.key + "}\n"
                + "known_hosts: " + hosts.knownHosts + "\nhosts:\n  - {host: " + hosts.ips.get(0) + "}\n  - {host: "
                + hosts.ips.get(1) + ", port: 2222}\n");
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            assertThatThrownBy(() -> fg.makeJob(job("big", "two", 3))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("fleet 'two' has 2 free host(s) of 2 but the job needs 3");
            assertThatThrownBy(() -> fg.makeJob(job("dup", "dup", 1))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("is listed twice in fleet 'dup'");
            assertThatThrownBy(() -> fg.makeJob(job("x", "tow", 1))).isInstanceOf(InvalidSpecException.class)
                    .hasMessageContaining("no fleet 'tow' (did you mean 'two'?)");
            assertThatThrownBy(() -> fg.makeJob(job("down", "down", 2))).isInstanceOf(FastGpuException.class)
                    .hasMessageContaining("fleet 'down' is not ready, nothing was changed")
                    .hasMessageContaining(hosts.ips.get(1) + ":2222");
            assertThat(new SshProvider(home, EventListener.NONE).list()).noneMatch(i -> i.name().startsWith("task"));
        }
    }

    @Test
    void killReleasesTheClaimButNeverTheMachine() throws Exception {
        hosts.writeFleet(home, "two", 2, false);
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            var job = fg.makeJob(job("mine", "two", 1));
            job.task(0).run("echo x > file");
            job.kill();
            SshProvider p = (SshProvider) fg.provider("ssh");
            assertThat(p.list()).noneMatch(i -> i.name().startsWith("task")).hasSize(2);
            var free = p.list().get(0);
            assertThatThrownBy(() -> p.destroy(free.id())).hasMessageContaining("ssh hosts are not owned by FastGPU")
                    .hasMessageContaining("never powered off or deleted");
            var check = fg.makeJob(job("mine", "two", 1));
            assertThat(check.task(0).exists("file")).isFalse(); // the job's folder went with the claim
            check.kill();
        }
    }

    @Test
    void twoJobsNeverShareAHostOfAnUnsharedFleet() throws Exception {
        hosts.writeFleet(home, "two", 2, false);
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            var a = fg.makeJob(job("a", "two", 1));
            var b = fg.makeJob(job("b", "two", 1));
            try {
                assertThat(a.task(0).ip()).isNotEqualTo(b.task(0).ip());
                assertThatThrownBy(() -> fg.makeJob(job("c", "two", 1))).hasMessageContaining("has 0 free host(s)");
            } finally {
                a.kill();
                b.kill();
            }
        }
    }

    private static JobOptions job(String name, String fleet, int n) {
        return JobOptions.builder(name).numTasks(n).backend("ssh").backendOptions(Map.of(SshProvider.FLEET, fleet)).build();
    }
}
