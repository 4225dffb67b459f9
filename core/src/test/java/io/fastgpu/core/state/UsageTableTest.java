package io.fastgpu.core.state;

import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** The spans of each machine's life in {@code state.db}: kept from listings and from FastGPU's own stop, start and kill. */
class UsageTableTest {
    @TempDir Path home;

    private static Instance machine(String id, InstanceState state, Instant created, Map<String, String> tags) {
        return new Instance(id, "task0.train", "aliyun", state, "ecs.g7.xlarge", "-", "", "10.0.0.1", created, tags);
    }

    @Test
    void aMachineRunsSinceItWasCreatedUntilStoppedThenStandsStoppedUntilStartedOrGone() throws Exception {
        Instant created = Instant.now().minus(Duration.ofHours(2));
        try (StateStore store = StateStore.open(home)) {
            store.upsertInstances("aliyun", List.of(machine("i-1", InstanceState.RUNNING, created,
                    Map.of("aliyun:spot", "true", "fastgpu:nodes", "2"))));
            store.upsertInstances("aliyun", List.of(machine("i-1", InstanceState.RUNNING, created, Map.of())));
            List<UsageSpan> spans = store.usage(Instant.EPOCH, Instant.now());
            assertThat(spans).extracting(UsageSpan::state, UsageSpan::since, UsageSpan::until, UsageSpan::job, UsageSpan::spot,
                    UsageSpan::nodes).containsExactly(tuple("running", Instant.ofEpochMilli(created.toEpochMilli()), null, "train", true, 2));
            assertThat(spans.get(0).hoursWithin(Instant.EPOCH, Instant.now())).isBetween(1.99, 2.01);

            Instant stopped = Instant.now().minus(Duration.ofHours(1));
            store.recordInstanceState("aliyun", "i-1", InstanceState.STOPPED, stopped);
            // A listing that still says "stopping" changes nothing: the stop was recorded when it was made.
            store.upsertInstances("aliyun", List.of(machine("i-1", InstanceState.STOPPING, created, Map.of())));
            store.recordInstanceState("aliyun", "i-1", InstanceState.RUNNING, Instant.now().minus(Duration.ofMinutes(30)));
            store.upsertInstances("aliyun", List.of()); // gone from the cloud's listing
            assertThat(store.usage(Instant.EPOCH, Instant.now())).extracting(UsageSpan::state, s -> s.until() != null)
                    .containsExactly(tuple("running", true), tuple("stopped", true), tuple("running", true));
            double ran = store.usage(Instant.EPOCH, Instant.now()).stream().filter(s -> s.state().equals("running"))
                    .mapToDouble(s -> s.hoursWithin(Instant.EPOCH, Instant.now())).sum();
            assertThat(ran).as("an hour, then half an hour").isBetween(1.49, 1.51);
            // A period sees only its part.
            assertThat(store.usage(stopped.plusSeconds(60), stopped.plusSeconds(120))).extracting(UsageSpan::state)
                    .containsExactly("stopped");
        }
    }

    @Test
    void aMachineFirstSeenStoppedOrUnknownToTheTableIsNotChargedFromItsCreation() throws Exception {
        Instant created = Instant.now().minus(Duration.ofDays(3));
        try (StateStore store = StateStore.open(home)) {
            store.recordInstanceState("aliyun", "i-never-listed", InstanceState.STOPPED, Instant.now());
            assertThat(store.usage(Instant.EPOCH, Instant.now())).isEmpty();
            store.upsertInstances("aliyun", List.of(machine("i-2", InstanceState.STOPPED, created, Map.of())));
            List<UsageSpan> spans = store.usage(Instant.EPOCH, Instant.now().plusSeconds(1));
            assertThat(spans).extracting(UsageSpan::state).containsExactly("stopped");
            assertThat(spans.get(0).since()).isAfter(created.plus(Duration.ofDays(2)));
        }
    }
}
