package io.fastgpu.provider.local;

import io.fastgpu.core.runtime.Processes;

import io.fastgpu.api.InstanceState;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.Launcher;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.StateStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A launch that is terminated mid-step still stops its machines and records the run as interrupted. */
class LaunchInterruptTest {
    @TempDir Path home;
    @TempDir Path work;

    /** The launch, in a child JVM so that it can be sent SIGTERM. */
    public static void main(String[] args) {
        try (FastGpu fg = FastGpu.builder().home(Path.of(args[0])).build()) {
            new Launcher(fg).launch(JobFileParser.parse(Path.of(args[1])), false, Path.of(args[1]).getParent());
        }
    }

    @Test
    void sigtermStopsTheMachinesAndRecordsTheRun() throws Exception {
        Path job = Files.writeString(work.resolve("job.yaml"), "name: interrupted\nsteps:\n  - {name: long, run: sleep 318}\n");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LaunchInterruptTest.class.getName(), home.toString(),
                job.toString()).redirectErrorStream(true).redirectOutput(work.resolve("child.log").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> !Processes.withCommandLine("sleep 318").isEmpty());
            child.destroy(); // SIGTERM
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(work.resolve("child.log"))).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(Processes.withCommandLine("sleep 318")).isEmpty();
        LocalProvider local = new LocalProvider(home.resolve("local"));
        assertThat(local.findByName("task0.interrupted").orElseThrow().state()).isEqualTo(InstanceState.STOPPED);
        try (StateStore state = StateStore.open(home)) {
            assertThat(state.latestRun("interrupted").orElseThrow().status()).isEqualTo("interrupted");
        }
        local.destroy(local.findByName("task0.interrupted").orElseThrow().id());
    }
}
