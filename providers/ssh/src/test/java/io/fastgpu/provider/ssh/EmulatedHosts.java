package io.fastgpu.provider.ssh;

import io.fastgpu.emulator.machine.EmulatedMachines;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * Hosts for the tests that need SSH machines but not OpenSSH itself: the emulator's machines, each a real
 * SSH server on its own loopback address with real bash behind it, run as this user (no root needed).
 * Host {@code i} answers {@code hostname} with {@code emu<i>}; commands run in its own home folder.
 */
final class EmulatedHosts implements FleetHosts, AutoCloseable {
    private final EmulatedMachines machines;
    private final List<String> ips;
    private final int port;
    private final Path key;

    private EmulatedHosts(EmulatedMachines machines, List<String> ips, int port, Path key) {
        this.machines = machines;
        this.ips = ips;
        this.port = port;
        this.key = key;
    }

    /** Boots {@code count} machines with their disks under {@code dir}; root logs in with {@link #key()}. */
    static EmulatedHosts start(Path dir, int count) {
        Path key = dir.resolve("client/id_ed25519");
        String publicKey = TestKeys.write(key);
        int port = freePort();
        // A /24 of 127.77/16 picked at random, so that test runs side by side do not meet.
        int net = ThreadLocalRandom.current().nextInt(1, 255);
        List<String> ips = IntStream.rangeClosed(1, count).mapToObj(i -> "127.77." + net + "." + (i + 1)).toList();
        EmulatedMachines machines = new EmulatedMachines(dir.resolve("machines"), port);
        try {
            for (int i = 0; i < count; i++) {
                machines.boot("emu" + (i + 1), List.of(ips.get(i)), List.of(publicKey), "emu" + (i + 1));
            }
        } catch (RuntimeException e) {
            machines.close();
            throw e;
        }
        return new EmulatedHosts(machines, ips, port, key);
    }

    @Override public List<String> ips() { return ips; }

    @Override public int port() { return port; }

    @Override public Path key() { return key; }

    @Override public Path knownHosts() { return null; }

    /** Halts the machines: ends every process they started. */
    @Override
    public void close() { machines.close(); }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
