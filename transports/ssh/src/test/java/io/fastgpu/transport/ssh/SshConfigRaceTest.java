package io.fastgpu.transport.ssh;

import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first hosts of a fleet are resolved side by side: every one of them sees the SSH config, also while the
 * first reads it (MINA's config resolver hands out an empty one to callers that come while it loads the file).
 */
class SshConfigRaceTest {
    @TempDir Path dir;

    @Test
    void hostsResolvedAtOnceOnAFreshConnectorAllSeeTheSshConfig() throws Exception {
        Path config = dir.resolve("config");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) sb.append("Host alias").append(i).append("\n  HostName 10.9.9.").append(i + 1).append("\n  Port 2200\n");
        // A long config (as a team's generated one can be): reading it takes a while, which others must wait for.
        for (int i = 0; i < 3000; i++) sb.append("Host other").append(i).append("\n  HostName 10.8.").append(i / 250).append('.').append(i % 250).append("\n  User u").append(i).append('\n');
        Files.writeString(config, sb.toString());
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                try (SshConnector c = new SshConnector(dir.resolve("known_hosts"), List.of(), config, k -> Optional.empty())) {
                    CountDownLatch go = new CountDownLatch(1);
                    List<Future<HostConfigEntry>> all = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        SshTarget t = new SshTarget("alias" + i, 0, "root", List.of(Path.of("/nonexistent/key")), "");
                        int delay = i;
                        all.add(pool.submit(() -> { go.await(); Thread.sleep(delay); return c.resolve(t); }));
                    }
                    go.countDown();
                    for (int i = 0; i < 8; i++) {
                        HostConfigEntry e = all.get(i).get();
                        assertThat(e.getHostName()).as("round %d, alias%d", round, i).isEqualTo("10.9.9." + (i + 1));
                        assertThat(e.getPort()).isEqualTo(2200);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
