package io.fastgpu.transport.ssh;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Where and as whom to log in. Fields left empty are filled from {@code ~/.ssh/config} for {@code host}
 * (HostName, User, Port, IdentityFile, ProxyJump), as OpenSSH would.
 *
 * @param host      a host name, an address, or a {@code Host} alias of the SSH config
 * @param port      the port, or 0 for the config's or 22
 * @param user      the user, or empty for the config's or the local user
 * @param keys      private key files to offer, in order (none: the config's IdentityFile, then ~/.ssh/id_*)
 * @param proxyJump {@code [user@]host[:port]} to hop through, or empty
 */
public record SshTarget(String host, int port, String user, List<Path> keys, String proxyJump) {
    public SshTarget {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) throw new IllegalArgumentException("host must not be empty");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, was " + port);
        user = user == null ? "" : user;
        keys = keys == null ? List.of() : List.copyOf(keys);
        proxyJump = proxyJump == null ? "" : proxyJump;
    }

    // equals and hashCode written out: the generated ones are linked on first use by generating classes, which a
    // fresh agent's first command on 16 hosts pays for (this is the key of its open connections).
    @Override
    public boolean equals(Object o) {
        return o instanceof SshTarget t && port == t.port && host.equals(t.host) && user.equals(t.user) && keys.equals(t.keys)
                && proxyJump.equals(t.proxyJump);
    }

    @Override
    public int hashCode() { return Objects.hash(host, port, user, keys, proxyJump); }

    /** {@code user@host:port} as shown in messages. */
    public String display() {
        return (user.isEmpty() ? "" : user + "@") + host + (port == 0 || port == 22 ? "" : ":" + port);
    }
}
