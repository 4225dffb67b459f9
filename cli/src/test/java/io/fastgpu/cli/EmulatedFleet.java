package io.fastgpu.cli;

import io.fastgpu.emulator.machine.EmulatedMachines;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.IntStream;

/**
 * An ssh fleet of the emulator's SSH machines for CLI tests: {@code n} machines ({@code host1..hostN}), each on a
 * loopback address of its own and one port, that let in a key made for the test; and the fleet file naming them in a
 * FastGPU home.
 *
 * @param machines the machines (close them after the test)
 * @param ips      their addresses, host1's first
 * @param port     their SSH port
 * @param key      the private key they let in
 */
record EmulatedFleet(EmulatedMachines machines, List<String> ips, int port, Path key) implements AutoCloseable {
    /** Boots the machines under {@code tmp} and writes {@code fleets/NAME.yaml} ({@code extra} lines first) in {@code home}. */
    static EmulatedFleet start(Path tmp, int n, Path home, String name, String extra) throws IOException, InterruptedException {
        Path key = tmp.resolve("keys/id_ed25519");
        Files.createDirectories(key.getParent());
        Process kg = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString())
                .redirectErrorStream(true).start();
        if (kg.waitFor() != 0) throw new IOException("ssh-keygen failed: " + new String(kg.getInputStream().readAllBytes()));
        String publicKey = Files.readString(key.resolveSibling("id_ed25519.pub")).strip();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int net = ThreadLocalRandom.current().nextInt(1, 255);
        List<String> ips = IntStream.rangeClosed(1, n).mapToObj(i -> "127.76." + net + "." + (i + 1)).toList();
        EmulatedMachines machines = new EmulatedMachines(tmp.resolve("machines"), port);
        for (int i = 0; i < n; i++) machines.boot("host" + (i + 1), List.of(ips.get(i)), List.of(publicKey), "host" + (i + 1));
        StringBuilder fleet = new StringBuilder(extra + "defaults: {user: root, port: " + port + ", key: " + key + "}\nhosts:\n");
        ips.forEach(ip -> fleet.append("  - {host: ").append(ip).append("}\n"));
        Files.createDirectories(home.resolve("fleets"));
        Files.writeString(home.resolve("fleets").resolve(name + ".yaml"), fleet.toString());
        return new EmulatedFleet(machines, ips, port, key);
    }

    @Override
    public void close() { machines.close(); }
}
