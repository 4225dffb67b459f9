package io.fastgpu.core.managed;

import io.fastgpu.api.InvalidSpecException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The managed runs' folders: one unfinished run per name, the controller lock, orphans, the recovery line. */
class ManagedRunsTest {
    @TempDir Path home;

    private static ManagedSpec spec() { return new ManagedSpec("/jobs/x/job.yaml", "/jobs", null, null, null, false, "/out"); }

    @Test
    void anUnfinishedRunOfTheSameNameIsRefusedAndAFinishedOneReplaced() {
        ManagedRuns runs = new ManagedRuns(home);
        ManagedRun r = runs.create("x", spec(), ManagedState.fresh("x", "x", "aliyun", 1.0));
        assertThatThrownBy(() -> runs.create("x", spec(), ManagedState.fresh("x", "x", "aliyun", 1.0)))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("run x is already managed (starting)")
                .hasMessageContaining("fastgpu cancel x");
        r.save(r.state().orElseThrow().withStatus(ManagedState.SUCCEEDED, ""));
        ManagedRun again = runs.create("x", spec(), ManagedState.fresh("x", "x", "aliyun", 1.0));
        assertThat(again.state().orElseThrow().status()).isEqualTo(ManagedState.STARTING);
        assertThat(again.spec()).isEqualTo(spec());
    }

    @Test
    void anUnfinishedRunWhoseControllerHoldsNoLockIsAnOrphan() {
        ManagedRuns runs = new ManagedRuns(home);
        ManagedRun r = runs.create("x", spec(), ManagedState.fresh("x", "x", "local", 0));
        assertThat(runs.orphaned()).extracting(ManagedRun::name).containsExactly("x");
        try (ControllerLock held = r.tryLock().orElseThrow()) {
            assertThat(r.controllerAlive()).isTrue();
            assertThat(r.tryLock()).isEmpty();
            assertThat(runs.orphaned()).isEmpty();
            assertThat(r.controllerPid()).isEqualTo(ProcessHandle.current().pid());
        }
        r.save(r.state().orElseThrow().withStatus(ManagedState.CANCELLED, "cancelled"));
        assertThat(runs.orphaned()).isEmpty();
    }

    @Test
    void aRunWhoseStateFileWasDeletedIsStillFoundAndCarriedOn() throws Exception {
        ManagedRuns runs = new ManagedRuns(home);
        ManagedRun r = runs.create("x", spec(), ManagedState.fresh("x", "x", "local", 0));
        Files.delete(home.resolve("managed/x/state.json"));
        assertThat(runs.find("x")).isPresent();
        assertThat(r.state()).isEmpty();
        assertThat(runs.orphaned()).extracting(ManagedRun::name).containsExactly("x");
    }

    @Test
    void aRecoveryReadsAsOneLine() {
        long at = LocalDateTime.of(2026, 11, 29, 12, 3, 10).atZone(ZoneId.systemDefault()).toInstant().toEpochMilli();
        assertThat(new RecoveryRecord(1, "task1", "reclaimed", at, 9_800, "epoch 7").describe())
                .isEqualTo("recovery 1: task1 reclaimed at 12:03:10, replaced in 9.8 s, resumed from epoch 7");
        assertThat(new RecoveryRecord(2, "all", "exit 137", at, 1_200, "").describe())
                .isEqualTo("recovery 2: all exit 137 at 12:03:10, restarted in 1.2 s, no checkpoint yet (started over)");
    }

    @Test
    void costSoFarIsThePriceTimesTheHours() {
        ManagedState s = new ManagedState(ManagedState.SUCCEEDED, "x", "x", "aliyun", 1, "", 0, null, null, 0, 1_800_000, 2.0, 1, "");
        assertThat(s.costSoFar()).isEqualTo(1.0);
    }
}
