package io.fastgpu.transport.ssh;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.transport.OutputSink;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A private key that other users may read is refused before any connection, as OpenSSH refuses it. */
class KeyFilePermissionsTest {
    @TempDir Path dir;

    private Path key(String name, String mode) throws Exception {
        Path key = dir.resolve(name);
        Files.createDirectories(key.getParent());
        try (OutputStream out = Files.newOutputStream(key)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(KeyUtils.generateKeyPair(KeyPairProvider.SSH_ED25519, 256),
                    "test", null, out);
        }
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString(mode));
        return key;
    }

    /** Runs {@code true} as root on a loopback port where nothing listens. */
    private void exec(Path key) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (SshConnector c = new SshConnector(dir.resolve("known_hosts"), List.of(), null, k -> Optional.empty())) {
            new SshTransport(c, new SshTarget("127.0.0.1", port, "root", List.of(key), ""), "t", Map.of(), null)
                    .exec("true", OutputSink.DISCARD, Duration.ofSeconds(10));
        }
    }

    @Test
    void aKeyOthersCanReadIsRefusedNamingTheFileAndTheFix() throws Exception {
        Path open = key("id_open", "rw-r--r--");
        assertThatThrownBy(() -> exec(open)).isInstanceOf(FastGpuException.class)
                .hasMessage("SSH key " + open + " is open to other users (mode 0644) and OpenSSH would refuse it, so FastGPU"
                        + " does too; fix it with: chmod 600 " + open);
        Path group = key("my keys/id_group", "rw-r-----");
        assertThatThrownBy(() -> exec(group)).isInstanceOf(FastGpuException.class)
                .hasMessage("SSH key " + group + " is open to other users (mode 0640) and OpenSSH would refuse it, so FastGPU"
                        + " does too; fix it with: chmod 600 '" + group + "'");
    }

    @Test
    void aKeyOnlyItsOwnerCanReadIsUsed() throws Exception {
        for (String mode : List.of("rw-------", "r--------")) {
            Path key = key("id_" + mode.replace('-', '_'), mode);
            assertThatThrownBy(() -> exec(key)).isInstanceOf(FastGpuException.class)
                    .hasMessageContaining("cannot reach root@127.0.0.1:").hasMessageContaining("connection refused");
        }
    }
}
