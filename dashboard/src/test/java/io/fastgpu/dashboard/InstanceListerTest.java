package io.fastgpu.dashboard;

import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.runtime.Watchdog;
import io.fastgpu.core.spi.facet.SelfStop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/** The instances page's listing on the local backend: the autostop column says what each machine's watchdog reports. */
class InstanceListerTest {
    @TempDir Path home;
    private FastGpu fastGpu;

    @BeforeEach
    void open() {
        fastGpu = FastGpu.builder().home(home).localBase(home).build();
    }

    @AfterEach
    void close() {
        for (var i : fastGpu.provider("local").list()) fastGpu.provider("local").destroy(i.id());
        fastGpu.close();
    }

    @Test
    void theAutostopColumnIsWhatTheWatchdogReports() {
        JobRuntime guarded = fastGpu.makeJob(JobOptions.builder("guarded").build());
        fastGpu.makeJob(JobOptions.builder("plain").build());
        SelfStop self = fastGpu.provider("local").capabilities().facet(SelfStop.class).orElseThrow();
        TaskRuntime t = guarded.taskRuntimes().get(0);
        Watchdog.ensure(t, self.stopScript(t.instance()), new Watchdog.Settings(Duration.ofMinutes(7), false, null, "test"));

        // The watchdog is started detached: it says it runs once it has written its first report.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            InstanceLister.Listing listing = new InstanceLister(fastGpu).list(Instant.now());
            assertThat(listing.notes()).isEmpty();
            assertThat(listing.rows()).extracting(r -> r.instance().name(), InstanceRow::autostop)
                    .containsExactly(tuple("task0.guarded", "7m"), tuple("task0.plain", null));
        });
        assertThat(new InstancesPage(new InstanceLister(fastGpu)).render(Instant.now())).contains("<th>Autostop</th>", "<td>7m</td>");
    }
}
