package io.fastgpu.transport.ssh;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The remembered login homes, in a real file. */
class LoginHomesTest {
    @TempDir Path dir;

    private static PublicKey hostKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair().getPublic();
    }

    private static SshTarget host(int i) { return new SshTarget("10.0.0." + i, 22, "root", List.of(), ""); }

    @Test
    void aHomeIsKeptForItsHostKeyOnlyAndWrittenOwnerOnly() throws Exception {
        PublicKey key = hostKey();
        LoginHomes homes = LoginHomes.besides(dir.resolve("known_hosts"));
        homes.put(host(1), key, "/root");

        LoginHomes again = LoginHomes.besides(dir.resolve("known_hosts"));
        assertThat(again.get(host(1), key)).hasValue("/root");
        assertThat(again.get(host(1), hostKey())).isEmpty();
        assertThat(again.get(host(2), key)).isEmpty();
        assertThat(Files.getPosixFilePermissions(dir.resolve("login_homes")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        again.forget(host(1));
        assertThat(homes.get(host(1), key)).isEmpty();
    }

    @Test
    void aHomeRememberedOrForgottenByAnotherConnectorIsSeenAtOnce() throws Exception {
        PublicKey key = hostKey();
        LoginHomes reader = LoginHomes.besides(dir.resolve("known_hosts"));
        LoginHomes writer = LoginHomes.besides(dir.resolve("known_hosts"));
        assertThat(reader.get(host(1), key)).isEmpty();
        for (int i = 0; i < 20; i++) { // within the file system's time granularity, as often as not
            writer.put(host(1), key, "/home/u" + i);
            assertThat(reader.get(host(1), key)).hasValue("/home/u" + i);
        }
        writer.forget(host(1));
        assertThat(reader.get(host(1), key)).isEmpty();
    }

    @Test
    void whatALineCannotHoldOrAFileThatIsNotOneIsNoHomeKnown() throws Exception {
        PublicKey key = hostKey();
        LoginHomes homes = LoginHomes.besides(dir.resolve("known_hosts"));
        homes.put(host(1), key, "/home/with\nnewline");
        homes.put(host(2), key, "relative");
        assertThat(homes.get(host(1), key)).isEmpty();
        assertThat(homes.get(host(2), key)).isEmpty();

        Files.writeString(dir.resolve("login_homes"), "garbage\n\tno host\n10.0.0.3\tSHA256:x\n");
        assertThat(homes.get(host(3), key)).isEmpty();
    }

    @Test
    void manyConnectorsOfOneProcessRememberingAtOnceLoseNoHome() throws Exception {
        PublicKey key = hostKey();
        // Connectors for different trusted files share the home's one file.
        LoginHomes a = LoginHomes.besides(dir.resolve("known_hosts"));
        LoginHomes b = LoginHomes.besides(dir.resolve("known_hosts"));
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            int n = i;
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                (n % 2 == 0 ? a : b).put(host(n), key, "/home/u" + n);
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) t.join(30_000);

        for (int i = 0; i < 32; i++) assertThat(a.get(host(i), key)).hasValue("/home/u" + i);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("login_homes");
        }
    }
}
