package io.fastgpu.emulator.machine;

/**
 * Decides, for each new TCP connection to a machine's SSH server, whether the network lets it in.
 * A refused connection is closed right after it was accepted, before the server says anything: the
 * client sees the connection established and then closed by the remote end (OpenSSH:
 * {@code kex_exchange_identification: Connection closed by remote host}). A cloud firewall drops the
 * packets instead, so a real client would wait until its connect timeout; closing at once keeps
 * tests fast and fails the same way. Connections already let in are not cut by later changes
 * (security groups are stateful).
 */
@FunctionalInterface
public interface IngressFilter {
    /** Lets every connection in: a network without firewalls. */
    IngressFilter OPEN = (instanceId, connection) -> true;

    /**
     * Whether {@code connection} may reach the machine of {@code instanceId}. Called on an I/O thread
     * of the machine's server: it must answer quickly and not throw.
     */
    boolean admits(String instanceId, InboundConnection connection);
}
