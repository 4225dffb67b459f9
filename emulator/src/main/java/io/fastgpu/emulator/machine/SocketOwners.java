package io.fastgpu.emulator.machine;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Who opened a TCP connection on this host, from {@code /proc/net/tcp} and {@code /proc/net/tcp6}
 * (the client socket's inode) and {@code /proc/PID/fd} (the process holding it). Linux only; on a
 * host without {@code /proc} nobody is found.
 */
final class SocketOwners {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    private SocketOwners() {}

    /** The instance marked in the environment of the process that holds the client end of {@code c}. */
    static Optional<String> instanceOfClient(InboundConnection c) {
        OptionalLong inode = clientSocketInode(c);
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        for (long pid : ProcessTable.holdingSocket(inode.getAsLong())) {
            Optional<String> instance = ProcessTable.environmentValue(pid, MachineEnvironment.MARKER);
            if (instance.isPresent()) {
                return instance;
            }
        }
        return Optional.empty();
    }

    /** The inode of the socket whose local end is {@code c}'s remote end and whose peer is {@code c}'s local end. */
    static OptionalLong clientSocketInode(InboundConnection c) {
        InetAddress client = address(c.remoteAddress());
        InetAddress server = address(c.localAddress());
        if (client == null || server == null) {
            return OptionalLong.empty();
        }
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | RuntimeException e) {
                continue; // no IPv6, or no /proc
            }
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && matches(f[1], client, c.remotePort()) && matches(f[2], server, c.localPort())) {
                    long inode = Long.parseLong(f[9]);
                    if (inode != 0) {
                        return OptionalLong.of(inode);
                    }
                }
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Whether {@code hexEndpoint} ({@code ADDRESS:PORT} as the kernel prints it: the address's 32-bit
     * words in host byte order, the port in hex) is {@code address:port}. IPv4-mapped IPv6
     * addresses equal their IPv4 address.
     */
    static boolean matches(String hexEndpoint, InetAddress address, int port) {
        int colon = hexEndpoint.indexOf(':');
        if (colon < 0 || Integer.parseInt(hexEndpoint.substring(colon + 1), 16) != port) {
            return false;
        }
        byte[] words = HexFormat.of().parseHex(hexEndpoint.substring(0, colon));
        byte[] bytes = new byte[words.length];
        for (int w = 0; w < words.length; w += 4) { // each word was printed from a little-endian u32
            for (int b = 0; b < 4; b++) {
                bytes[w + b] = words[w + 3 - b];
            }
        }
        try {
            return InetAddress.getByAddress(bytes).equals(address); // maps ::ffff:a.b.c.d to a.b.c.d
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // a literal: no lookup
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
