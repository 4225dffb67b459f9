package io.fastgpu.emulator.machine;

import java.util.Optional;

/**
 * A TCP connection a machine's SSH server has just accepted, as its two ends see it.
 *
 * @param localAddress the machine address the client dialled, such as {@code 127.79.0.3}
 * @param localPort the machine's SSH port
 * @param remoteAddress the client's address (on loopback, usually {@code 127.0.0.1} whoever the client is)
 * @param remotePort the client's port
 */
public record InboundConnection(String localAddress, int localPort, String remoteAddress, int remotePort) {
    /**
     * The emulated instance whose process opened the connection, found through the client socket's
     * owner in {@code /proc} and the instance marker in that process's environment; empty when the
     * client is not a process of an emulated machine (this host, a test, the emulator itself) or is
     * already gone. Reads {@code /proc}, so it costs a few milliseconds: ask only when it matters.
     */
    public Optional<String> sourceInstance() {
        return SocketOwners.instanceOfClient(this);
    }
}
