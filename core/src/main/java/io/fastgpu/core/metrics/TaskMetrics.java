package io.fastgpu.core.metrics;

import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.state.EventRecord;
import io.fastgpu.core.state.MetricPoint;
import io.fastgpu.core.state.StateStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The metrics of a run on a managed training platform (TI-ONE): the values its script pushed to the platform, stored
 * in the run's metrics like any other run's. A value is keyed by its task, name and place among that name's values,
 * so collecting again stores each value once.
 */
public final class TaskMetrics {
    /** The kind of the run event that names the platform's task of a managed training run. */
    public static final String TASK_EVENT = "training_task";

    private TaskMetrics() { }

    /** The platform's task of run {@code runId}, when it is a managed training run that created one. */
    public static Optional<String> taskOf(StateStore store, long runId) {
        return store.events(runId).stream().filter(e -> TASK_EVENT.equals(e.kind())).map(EventRecord::text).reduce((a, b) -> b);
    }

    /** Stores the values task {@code taskId} pushed that run {@code runId} lacks; answers how many were new. */
    public static int collect(StateStore store, ManagedTraining training, long runId, String taskId) {
        Map<String, Integer> seen = new HashMap<>();
        List<MetricPoint> points = new ArrayList<>();
        for (ManagedTraining.MetricValue v : training.metrics(taskId)) {
            int n = seen.merge(v.name(), 1, Integer::sum);
            points.add(new MetricPoint(0, runId, 0, "train", 0, v.name(), v.value(), (int) v.epoch(), v.step(), v.at(), "push",
                    "push/" + taskId + "/" + v.name() + "/" + n));
        }
        return store.metrics().add(runId, points);
    }
}
