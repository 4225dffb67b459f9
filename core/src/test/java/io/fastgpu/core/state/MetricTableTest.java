package io.fastgpu.core.state;

import io.fastgpu.api.NotFoundException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricTableTest {
    @TempDir Path home;

    private static MetricPoint point(long run, String name, double value, String key) {
        return new MetricPoint(0, run, 0, "train", 0, name, value, 1, null, Instant.ofEpochMilli(1000), "push", key);
    }

    @Test
    void aPointCollectedTwiceIsStoredOnceAndReadBackInOrder() {
        try (StateStore store = StateStore.open(home)) {
            long run = store.startRun("j", "j", "local", "/tmp/j", null);
            assertThat(store.metrics().add(run, List.of(point(run, "loss", 0.9, "t0:1"), point(run, "acc1", 0.5, "t0:2")))).isEqualTo(2);
            assertThat(store.metrics().add(run, List.of(point(run, "loss", 0.9, "t0:1"), point(run, "loss", 0.7, "t0:3")))).isEqualTo(1);
            List<MetricPoint> all = store.metrics().of(run, 0);
            assertThat(all).extracting(MetricPoint::value).containsExactly(0.9, 0.5, 0.7);
            assertThat(store.metrics().of(run, all.get(1).id())).extracting(MetricPoint::value).containsExactly(0.7);
            assertThat(store.metrics().names(run)).containsExactly("loss", "acc1");
            assertThat(all.get(0).epoch()).isEqualTo(1);
            assertThat(all.get(0).stepNo()).isNull();
        }
    }

    @Test
    void pointsOfAnUnknownRunAreRefusedAndNotNumbersNeverStored() {
        try (StateStore store = StateStore.open(home)) {
            assertThatThrownBy(() -> store.metrics().add(42, List.of(point(42, "loss", 1, "k")))).isInstanceOf(NotFoundException.class);
            assertThatThrownBy(() -> point(1, "loss", Double.NaN, "k")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("only finite numbers");
        }
    }
}
