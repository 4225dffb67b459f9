package io.fastgpu.transport.ssh;

import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.signature.Signature;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The host key algorithms offered to a host, as OpenSSH orders them: first those of the key types already pinned for
 * that host, so that a host pinned with one type is never asked for another (which would then be refused as a changed
 * key); among them and for a host seen for the first time, Ed25519 first, then the rest in the client's order.
 * Ed25519 first also spares a fresh process the ECDSA code next to the Ed25519 code its own key already uses:
 * a first command on 16 hosts would otherwise run and compile both, cold.
 */
final class HostKeyOrder {
    private HostKeyOrder() { }

    /** {@code available} reordered for a host whose pinned keys are of {@code pinnedTypes} (OpenSSH key type names). */
    static List<NamedFactory<Signature>> of(List<NamedFactory<Signature>> available, Set<String> pinnedTypes) {
        List<NamedFactory<Signature>> order = new ArrayList<>(available);
        order.sort(Comparator.comparingInt((NamedFactory<Signature> f) -> pinnedTypes.contains(keyType(f.getName())) ? 0 : 1)
                .thenComparingInt(f -> keyType(f.getName()).equals("ssh-ed25519") ? 0 : 1));
        return order;
    }

    /**
     * The key type that signature algorithm {@code algorithm} signs with: {@code rsa-sha2-512} is an {@code ssh-rsa}
     * key; a certificate's ({@code ...-cert-v01@openssh.com}) is its own type, never a pinned key's.
     */
    static String keyType(String algorithm) {
        return algorithm.startsWith("rsa-sha2-") && !algorithm.contains("-cert-") ? "ssh-rsa" : algorithm;
    }
}
