package io.fastgpu.provider.tione;

import com.fasterxml.jackson.databind.JsonNode;
import io.fastgpu.api.FastGpuException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** Tikit's vocabulary ({@code fastgpu tione ...}): frameworks, prices, upload to COS, logs, model registration. */
public final class TioneTools {
    private final TioneSettings settings;
    private final TioneClients clients;
    private final TioneManaged managed;

    TioneTools(TioneSettings settings, TioneClients clients, TioneManaged managed) {
        this.settings = settings;
        this.clients = clients;
        this.managed = managed;
    }

    /** Rows of NAME / ENVIRONMENT / MODES, as DescribeTrainingFrameworks lists them. */
    public List<String[]> frameworks() {
        List<String[]> rows = new ArrayList<>();
        for (JsonNode f : clients.api().call("DescribeTrainingFrameworks", Map.of()).path("FrameworkInfos")) {
            for (JsonNode v : f.path("VersionInfos")) {
                List<String> modes = new ArrayList<>();
                v.path("TrainingModes").forEach(m -> modes.add(m.asText()));
                rows.add(new String[] {f.path("Name").asText(), v.path("Version").asText(), v.path("Environment").asText(),
                        String.join(",", modes), f.path("Name").asText() + "/" + v.path("Environment").asText() + "/" + modes.get(0)});
            }
        }
        return rows;
    }

    /** Rows of SPEC / WHAT / CNY PER NODE-HOUR. */
    public List<String[]> prices() {
        List<String[]> rows = new ArrayList<>();
        for (JsonNode s : clients.api().call("DescribeBillingSpecs", Map.of("TaskType", "TRAIN", "ChargeType", "POSTPAID_BY_HOUR"))
                .path("Specs")) {
            String name = s.path("SpecName").asText();
            JsonNode p = clients.api().call("DescribeBillingSpecsPrice", Map.of("TaskType", "TRAIN", "ChargeType", "POSTPAID_BY_HOUR",
                    "SpecsParam", List.of(Map.of("SpecName", name, "SpecCount", 1))));
            rows.add(new String[] {name, s.path("SpecAlias").asText(),
                    String.format(Locale.ROOT, "%.2f", p.path("SpecsPrice").path(0).path("RealTotalCost").asLong() / 100.0)});
        }
        return rows;
    }

    /** {@code tione upload LOCAL cos://BUCKET/PATH}: the changed files only, with progress; false when interrupted. */
    public boolean upload(Path local, String cosPath, Consumer<String> out, AtomicBoolean interrupted) {
        settings.requireCredentials();
        CosPath dest = CosPath.parse(cosPath);
        if (!Files.exists(local)) throw new FastGpuException("tione upload: " + local + " does not exist");
        Map<String, Path> files = new LinkedHashMap<>();
        if (Files.isRegularFile(local)) {
            files.put(local.getFileName().toString(), local);
        } else {
            try (var walk = Files.walk(local)) {
                for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                    files.put(local.relativize(f).toString().replace('\\', '/'), f);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String prefix = dest.path().isEmpty() || dest.path().endsWith("/") ? dest.path() : dest.path() + "/";
        return managed.uploadFiles(files, dest.bucket(), prefix, out, interrupted);
    }

    public void logs(String task, boolean follow, Consumer<String> out) {
        managed.logs(task, follow, out);
    }

    /** Registers a succeeded task's output as a model version; answers "modelId versionId". */
    public String registerModel(String task, String name, String reasoningEnvironment) {
        String id = managed.resolve(task);
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("ImportMethod", "MODEL");
        req.put("TrainingModelName", name);
        req.put("TrainingJobId", id);
        req.put("ReasoningEnvironment", reasoningEnvironment);
        req.put("TrainingModelSource", "JOB");
        JsonNode r = clients.api().call("CreateTrainingModel", req);
        return r.path("Id").asText() + " " + r.path("TrainingModelVersionId").asText();
    }

    /** The metric points TI-ONE holds for a task: "name value epoch" each. */
    public List<String> metrics(String task) {
        List<String> out = new ArrayList<>();
        for (JsonNode d : clients.api().call("DescribeTrainingMetrics", Map.of("TaskId", managed.resolve(task))).path("Data")) {
            out.add(d.path("MetricName").asText() + " " + d.path("Value").asDouble() + " " + d.path("Epoch").asLong());
        }
        return out;
    }
}
