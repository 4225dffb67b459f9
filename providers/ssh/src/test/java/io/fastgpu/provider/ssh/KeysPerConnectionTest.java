package io.fastgpu.provider.ssh;

import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A connection offers the keys of its own target only, even while other connections of the same client are
 * being made with other keys at the same moment (one machine in two fleets, probed in parallel by ls).
 */
class KeysPerConnectionTest {
    @TempDir static Path machines;
    static EmulatedHosts hosts;
    @TempDir Path dir;

    @BeforeAll
    static void boot() { hosts = EmulatedHosts.start(machines, 1); }

    @AfterAll
    static void halt() { if (hosts != null) hosts.close(); }

    @Test
    void aKeyOfOneConnectionIsNeverOfferedOnAnother() throws Exception {
        Path stranger = dir.resolve("stranger");
        TestKeys.write(stranger);
        for (int i = 0; i < 8; i++) TestKeys.write(dir.resolve("k" + i)); // one more key each: eight distinct targets
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 3; round++) {
                try (SshConnector c = new SshConnector(dir.resolve("known_hosts"), List.of(), null, k -> Optional.empty())) {
                    CountDownLatch start = new CountDownLatch(1);
                    List<Future<String>> results = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        boolean right = i % 2 == 0;
                        SshTarget t = new SshTarget(hosts.ips().get(0), hosts.port(), "root",
                                List.of(dir.resolve("k" + i), right ? hosts.key() : stranger), "");
                        results.add(pool.submit(() -> {
                            start.await();
                            try {
                                new SshTransport(c, t, "t", Map.of(), null).exec("true", OutputSink.DISCARD, Duration.ofSeconds(30));
                                return (right ? "right" : "stranger") + " logged in";
                            } catch (RuntimeException e) {
                                return (right ? "right" : "stranger") + " refused";
                            }
                        }));
                    }
                    start.countDown();
                    List<String> outcomes = new ArrayList<>();
                    for (Future<String> f : results) outcomes.add(f.get());
                    assertThat(outcomes).as("round " + round).containsOnly("right logged in", "stranger refused");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
