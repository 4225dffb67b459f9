package io.fastgpu.provider.ssh;

import io.fastgpu.api.InstanceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** The claims store: one file per claim, read back whole, changed under one lock. */
class ClaimsTest {
    @TempDir Path dir;

    private static Claims.Claim claim(String task, String host) {
        return new Claims.Claim(task, "lab", host, task, InstanceState.RUNNING, Instant.ofEpochMilli(1_700_000_000_123L),
                Map.of("fastgpu:job", "bert", "note", "a=b: c"));
    }

    @Test
    void aSavedClaimIsReadBackWhole() {
        Claims claims = new Claims(dir.resolve("claims"));
        assertThat(claims.all()).isEmpty(); // no folder yet
        Claims.Claim c = claim("task0.bert", "10.0.0.1_22");
        claims.save(c);
        claims.save(claim("task1.bert", "10.0.0.2_22").with(InstanceState.STOPPED));
        assertThat(new Claims(dir.resolve("claims")).all()).containsExactlyInAnyOrder(c,
                claim("task1.bert", "10.0.0.2_22").with(InstanceState.STOPPED));
        assertThat(c.id()).isEqualTo("ssh-10.0.0.1_22--task0.bert");
    }

    @Test
    void aRenamedClaimKeepsItsFolderAndId() {
        Claims claims = new Claims(dir);
        Claims.Claim c = claim("task0.bert", "h_22");
        claims.save(c);
        claims.remove(c);
        Claims.Claim renamed = c.named("task0.gpt");
        claims.save(renamed);
        assertThat(claims.all()).containsExactly(renamed);
        assertThat(renamed.workdir()).isEqualTo("task0.bert");
        assertThat(renamed.id()).isEqualTo(c.id());
    }

    @Test
    void removingIsIdempotentAndOtherFilesAreIgnored() throws Exception {
        Claims claims = new Claims(dir);
        Claims.Claim c = claim("task0.bert", "h_22");
        claims.save(c);
        Files.writeString(dir.resolve("notes.txt"), "not a claim");
        claims.remove(c);
        claims.remove(c);
        assertThat(claims.all()).isEmpty();
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp") || n.endsWith(".claim"));
        }
    }

    @Test
    void theLockMakesReadModifyWriteSafeAcrossThreadsAndStores() throws Exception {
        // Two stores on one folder, as two providers have; each thread claims the first host nobody holds.
        List<Claims> stores = List.of(new Claims(dir), new Claims(dir));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 40; t++) {
                Claims store = stores.get(t % 2);
                String task = "task" + t + ".race";
                done.add(pool.submit(() -> store.locked(() -> {
                    int taken = store.all().size();
                    Thread.yield();
                    store.save(claim(task, "h" + taken + "_22"));
                    return null;
                })));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
        assertThat(new Claims(dir).all()).extracting(Claims.Claim::hostKey).doesNotHaveDuplicates().hasSize(40);
    }
}
