package io.fastgpu.emulator.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 MiB through stdin ({@code cat > file}) and back through stdout ({@code cat file}) with the
 * system ssh client, per cipher. Run with {@code -Dfastgpu.bench=true}; skipped otherwise.
 */
class StreamThroughputBench {
    @TempDir
    Path dir;

    @Test
    void twoHundredMegabytesEachWay() throws Exception {
        assumeTrue(Boolean.getBoolean("fastgpu.bench"), "a benchmark: run with -Dfastgpu.bench=true");
        Path key = dir.resolve("id");
        new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start().waitFor();
        Path data = dir.resolve("data");
        new ProcessBuilder("head", "-c", "200M", "/dev/urandom").redirectOutput(data.toFile()).start().waitFor();
        int port = MachineClient.freePort();
        String address = MachineClient.addresses(1).get(0);
        try (EmulatedMachines machines = new EmulatedMachines(dir.resolve("disks"), port)) {
            machines.boot("i-bench", List.of(address), List.of(Files.readString(dir.resolve("id.pub"))), "bench");
            List<String> login = List.of("ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "LogLevel=ERROR", "-i", key.toString(), "-p", "" + port, "root@" + address, "true");
            long c0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                assertThat(new ProcessBuilder(login).start().waitFor()).isZero();
            }
            System.out.printf("ssh login and exit: %.0f ms each%n", (System.nanoTime() - c0) / 1e7);
            for (String cipher : List.of("default", "aes128-gcm@openssh.com", "aes128-ctr",
                    "chacha20-poly1305@openssh.com")) {
                List<String> ssh = new ArrayList<>(List.of("ssh", "-o", "StrictHostKeyChecking=no", "-o",
                        "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-i", key.toString(), "-p", "" + port));
                if (!cipher.equals("default")) {
                    ssh.addAll(List.of("-c", cipher));
                }
                ssh.add("root@" + address);
                List<String> up = new ArrayList<>(ssh);
                up.add("cat > f");
                long t0 = System.nanoTime();
                assertThat(new ProcessBuilder(up).redirectInput(data.toFile()).start().waitFor()).isZero();
                long t1 = System.nanoTime();
                List<String> down = new ArrayList<>(ssh);
                down.add("cat f");
                Path back = dir.resolve("back");
                assertThat(new ProcessBuilder(down).redirectOutput(back.toFile()).start().waitFor()).isZero();
                long t2 = System.nanoTime();
                assertThat(Files.mismatch(data, back)).isEqualTo(-1L);
                System.out.printf("%s: stdin %.0f MiB/s, stdout %.0f MiB/s%n", cipher, 200 / ((t1 - t0) / 1e9),
                        200 / ((t2 - t1) / 1e9));
            }
        }
    }
}
