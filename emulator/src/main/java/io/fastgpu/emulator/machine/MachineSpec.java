package io.fastgpu.emulator.machine;

import java.util.List;

/**
 * What a machine is booted with.
 *
 * @param addresses the loopback addresses it listens on, such as {@code 127.78.0.5}
 * @param authorizedKeys OpenSSH public key lines that log in as root
 * @param hostname what {@code hostname} answers on it
 */
record MachineSpec(List<String> addresses, List<String> authorizedKeys, String hostname) {
    MachineSpec {
        addresses = List.copyOf(addresses);
        authorizedKeys = List.copyOf(authorizedKeys);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("a machine needs at least one address");
        }
        if (hostname == null || hostname.isBlank()) {
            throw new IllegalArgumentException("a machine needs a host name");
        }
    }
}
