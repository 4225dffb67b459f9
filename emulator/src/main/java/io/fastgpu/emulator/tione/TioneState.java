package io.fastgpu.emulator.tione;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The emulated account's tasks, pushed metrics and models, rewritten to {@code state.json} after every
 * change so that a restarted emulator finds them (COS objects live as files beside it). Callers
 * serialize access.
 */
final class TioneState {
    /** One pushed metric point. */
    public record Metric(String taskId, long timestamp, long epoch, long step, String name, double value) {}

    /** A model version registered from a task's output. */
    public record Model(String id, String name, String versionId, String taskId, String bucket, String path,
            String reasoningEnvironment, long createTime) {}

    /** On-disk shape. */
    public record Snapshot(int formatVersion, List<TaskRecord> tasks, List<Metric> metrics, List<Model> models,
            long counter) {}

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    final List<Metric> metrics = new ArrayList<>();
    final List<Model> models = new ArrayList<>();
    long counter;

    private TioneState(Path file) {
        this.file = file;
    }

    static TioneState load(Path file) {
        TioneState state = new TioneState(file);
        if (Files.exists(file)) {
            try {
                Snapshot s = JSON.readValue(file.toFile(), Snapshot.class);
                if (s.tasks() != null) {
                    s.tasks().forEach(t -> state.tasks.put(t.id, t));
                }
                if (s.metrics() != null) {
                    state.metrics.addAll(s.metrics());
                }
                if (s.models() != null) {
                    state.models.addAll(s.models());
                }
                state.counter = s.counter();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the TI-ONE emulator's state " + file, e);
            }
        }
        return state;
    }

    /** A new id with this prefix, unique in the account: {@code train-544168070598700544}-like. */
    String newId(String prefix) {
        counter++;
        return prefix + (544168070598700000L + counter * 7919);
    }

    void save() {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), new Snapshot(1, List.copyOf(tasks.values()), metrics, models, counter));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the TI-ONE emulator's state " + file, e);
        }
    }
}
