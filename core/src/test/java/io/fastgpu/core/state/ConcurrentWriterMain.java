package io.fastgpu.core.state;

import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One of the processes of {@link StateStoreTest#concurrentProcessesLoseNoWrite}: opens the store, waits for the
 * file {@code go} in the home folder, then writes {@code count} runs with their steps, events, jobs and machines.
 * Prints {@code run <id>} and {@code step <id>} for each id it was given.
 *
 * <p>Arguments: home folder, writer index, count.
 */
public final class ConcurrentWriterMain {
    private ConcurrentWriterMain() { }

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args[0]);
        int writer = Integer.parseInt(args[1]);
        int count = Integer.parseInt(args[2]);
        String backend = "b" + writer;
        try (StateStore store = StateStore.open(home)) {
            Files.createFile(home.resolve("ready-" + writer));
            while (!Files.exists(home.resolve("go"))) {
                Thread.sleep(2);
            }
            for (int k = 0; k < count; k++) {
                String runName = "w" + writer + "-" + k;
                store.recordJob("shared", "local", k);
                store.recordJob("job" + writer, backend, k);
                long run = store.startRun("job" + writer, runName, backend, "/runs/" + runName, null);
                System.out.println("run " + run);
                for (String step : List.of("upload", "train")) {
                    long id = store.startStep(run, step);
                    System.out.println("step " + id);
                    store.finishStep(id, 0, Duration.ofMillis(k));
                }
                store.appendEvent(run, "notice", runName);
                store.finishRun(run, RunRecord.SUCCEEDED, 0);
                store.upsertInstances(backend, List.of(machine(backend, k), machine(backend, k + 1)));
            }
        }
    }

    /** The machine {@code i-<n>} of {@code backend}. */
    static Instance machine(String backend, int n) {
        return new Instance("i-" + n, "task" + n + ".job", backend, InstanceState.RUNNING, "t", "-", "", "10.0.0." + n,
                Instant.ofEpochMilli(1_000L * n), Map.of("fastgpu:task", String.valueOf(n)));
    }
}
