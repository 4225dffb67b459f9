package io.fastgpu.transport.ssh;

import io.fastgpu.api.FastGpuException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A key file read once for the connections made at the same time, and held no longer than they need it. */
class KeyLoadsTest {
    @TempDir Path dir;
    private final KeyLoads loads = new KeyLoads();
    private final AtomicInteger reads = new AtomicInteger();

    private static KeyPair pair() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    /** A reader that counts its reads and waits for {@code gate} before answering. */
    private Function<Path, List<KeyPair>> reader(KeyPair pair, CountDownLatch gate) {
        return f -> {
            reads.incrementAndGet();
            try {
                assertThat(gate.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return List.of(pair);
        };
    }

    @Test
    void connectionsMadeTogetherReadTheFileOnceAndNothingIsHeldAfterThem() throws Exception {
        Path key = Files.writeString(dir.resolve("id_ed25519"), "key");
        KeyPair pair = pair();
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<KeyLoads.Lease>> leases = new ArrayList<>();
            for (int i = 0; i < 8; i++) leases.add(pool.submit(() -> loads.acquire(key, reader(pair, gate))));
            while (reads.get() == 0) Thread.sleep(5);
            Thread.sleep(100); // the others ask while the first reads
            gate.countDown();
            for (Future<KeyLoads.Lease> l : leases) assertThat(l.get(10, TimeUnit.SECONDS).keys()).containsExactly(pair);
            assertThat(reads).hasValue(1);
            assertThat(loads.held()).isEqualTo(1);
            for (Future<KeyLoads.Lease> l : leases) l.get().close();
            assertThat(loads.held()).isZero();
        } finally {
            pool.shutdownNow();
        }
        // The next connection reads the file again: nothing was kept.
        loads.acquire(key, reader(pair, gate)).close();
        assertThat(reads).hasValue(2);
    }

    @Test
    void aChangedFileIsReadAgainEvenWhileTheOldOneIsInUse() throws Exception {
        Path key = Files.writeString(dir.resolve("id_ed25519"), "old");
        CountDownLatch open = new CountDownLatch(0);
        KeyPair first = pair();
        KeyPair second = pair();
        try (KeyLoads.Lease a = loads.acquire(key, reader(first, open))) {
            Files.writeString(key, "newer");
            Files.setLastModifiedTime(key, FileTime.fromMillis(Files.getLastModifiedTime(key).toMillis() + 2000));
            try (KeyLoads.Lease b = loads.acquire(key, reader(second, open))) {
                assertThat(a.keys()).containsExactly(first);
                assertThat(b.keys()).containsExactly(second);
            }
        }
        assertThat(reads).hasValue(2);
        assertThat(loads.held()).isZero();
    }

    @Test
    void aFailedReadFailsEveryConnectionWaitingForItAndIsNotKept() throws Exception {
        Path key = Files.writeString(dir.resolve("id_rsa"), "encrypted");
        CountDownLatch gate = new CountDownLatch(1);
        Function<Path, List<KeyPair>> failing = f -> {
            reads.incrementAndGet();
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            throw new FastGpuException("wrong passphrase for SSH key " + f);
        };
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<KeyLoads.Lease>> tries = new ArrayList<>();
            for (int i = 0; i < 3; i++) tries.add(pool.submit(() -> loads.acquire(key, failing)));
            while (reads.get() == 0) Thread.sleep(5);
            Thread.sleep(100);
            gate.countDown();
            for (Future<KeyLoads.Lease> t : tries) {
                assertThatThrownBy(() -> t.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(FastGpuException.class)
                        .hasRootCauseMessage("wrong passphrase for SSH key " + key);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reads).hasValue(1);
        assertThat(loads.held()).isZero();
    }

    @Test
    void aMissingFileIsLeftToTheReaderToReport() {
        Path key = dir.resolve("nope");
        assertThatThrownBy(() -> loads.acquire(key, f -> {
            throw new FastGpuException("SSH key " + f + " does not exist; fix the key path");
        })).hasMessageContaining("does not exist");
        assertThat(loads.held()).isZero();
    }
}
