package io.fastgpu.transport.ssh;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.signature.Signature;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The host key algorithms offered, against MINA's own list. */
class HostKeyOrderTest {
    private static final List<NamedFactory<Signature>> AVAILABLE = SshClient.setUpDefaultClient().getSignatureFactories();

    private static List<String> names(List<NamedFactory<Signature>> order) { return NamedResource.getNameList(order); }

    @Test
    void aHostSeenForTheFirstTimeIsAskedForEd25519FirstAndEverythingElseStaysOffered() {
        List<String> order = names(HostKeyOrder.of(AVAILABLE, Set.of()));
        assertThat(order.get(0)).isEqualTo("ssh-ed25519");
        assertThat(order).containsExactlyInAnyOrderElementsOf(names(AVAILABLE));
    }

    @Test
    void theTypesPinnedForAHostComeFirst() {
        List<String> ecdsa = names(HostKeyOrder.of(AVAILABLE, Set.of("ecdsa-sha2-nistp256")));
        assertThat(ecdsa.get(0)).isEqualTo("ecdsa-sha2-nistp256");
        assertThat(ecdsa.indexOf("ssh-ed25519")).isGreaterThan(0);

        List<String> rsa = names(HostKeyOrder.of(AVAILABLE, Set.of("ssh-rsa")));
        assertThat(rsa.subList(0, 3)).containsExactlyInAnyOrder("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa");

        List<String> both = names(HostKeyOrder.of(AVAILABLE, Set.of("ecdsa-sha2-nistp256", "ssh-ed25519")));
        assertThat(both.subList(0, 2)).containsExactly("ssh-ed25519", "ecdsa-sha2-nistp256");
    }
}
