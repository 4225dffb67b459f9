package io.fastgpu.provider.ssh;

import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Hosts named by ~/.ssh/config aliases: HostName, User, IdentityFile and ProxyJump are honoured. */
class SshConfigTest {
    @TempDir Path dir;

    private static String hostname(SshConnector c, String alias) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = new SshTransport(c, new SshTarget(alias, 0, "", List.of(), ""), alias, Map.of(), null)
                .exec("hostname", new OutputSink() {
                    @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
                    @Override public void stderr(byte[] b, int n) { }
                }, Duration.ofSeconds(30));
        assertThat(rc).isZero();
        return out.toString(StandardCharsets.UTF_8).strip();
    }

    @Test
    void aliasesAndJumpHostsFromTheSshConfig() throws Exception {
        NamespaceHosts hosts = NamespaceHosts.require(2);
        Path config = Files.writeString(dir.resolve("config"), ""
                + "Host first\n  HostName " + hosts.ips().get(0) + "\n  User root\n  IdentityFile " + hosts.key() + "\n"
                + "Host second-via-first\n  HostName " + hosts.ips().get(1) + "\n  User root\n  IdentityFile " + hosts.key()
                + "\n  ProxyJump root@" + hosts.ips().get(0) + "\n");
        try (SshConnector c = new SshConnector(dir.resolve("known_hosts"), List.of(hosts.knownHosts()), config,
                k -> Optional.empty())) {
            assertThat(hostname(c, "first")).isEqualTo("fgh1");
            assertThat(hostname(c, "second-via-first")).isEqualTo("fgh2");
        }
    }
}
