package io.fastgpu.emulator.tione;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The TI-ONE 2021-11-11 actions the emulator answers, each a request JSON in, a response JSON out. */
final class TioneActions {
    static final List<String> ACTIONS = List.of("CreateTrainingTask", "DescribeTrainingTask", "DescribeTrainingTasks",
            "DescribeTrainingTaskPods", "DescribeLogs", "StopTrainingTask", "DeleteTrainingTask",
            "DescribeTrainingFrameworks", "DescribeBillingSpecs", "DescribeBillingSpecsPrice", "PushTrainingMetrics",
            "DescribeTrainingMetrics", "CreateTrainingModel", "DescribeTrainingModelVersion", "DescribeTrainingModelVersions");

    private static final ObjectMapper JSON = new ObjectMapper();
    private final TioneEmulator emu;

    TioneActions(TioneEmulator emu) {
        this.emu = emu;
    }

    ObjectNode handle(String action, String region, JsonNode req) {
        return switch (action) {
            case "CreateTrainingTask" -> create(region, req);
            case "DescribeTrainingTask" -> {
                ObjectNode r = JSON.createObjectNode();
                r.set("TrainingTaskDetail", render(task(req)));
                yield r;
            }
            case "DescribeTrainingTasks" -> list();
            case "DescribeTrainingTaskPods" -> {
                TaskRecord t = task(req);
                ObjectNode r = JSON.createObjectNode();
                ArrayNode names = r.putArray("PodNames");
                for (int i = 0; i < t.nodes; i++) {
                    names.add(t.pod(i));
                }
                r.put("TotalCount", t.nodes);
                yield r;
            }
            case "DescribeLogs" -> logs(req);
            case "StopTrainingTask" -> stop(req);
            case "DeleteTrainingTask" -> delete(req);
            case "DescribeTrainingFrameworks" -> frameworks();
            case "DescribeBillingSpecs" -> specs();
            case "DescribeBillingSpecsPrice" -> prices(req);
            case "PushTrainingMetrics" -> push(req);
            case "DescribeTrainingMetrics" -> metrics(req);
            case "CreateTrainingModel" -> createModel(req);
            case "DescribeTrainingModelVersion", "DescribeTrainingModelVersions" -> modelVersions(req);
            default -> throw new ApiException("InvalidAction", "The action " + action + " does not exist.");
        };
    }

    private ObjectNode create(String region, JsonNode req) {
        String name = text(req, "Name", true);
        if (!name.matches("[\\p{IsHan}A-Za-z0-9][\\p{IsHan}A-Za-z0-9_-]{0,59}")) {
            throw ApiException.invalidValue("Name '" + name + "' must be 1-60 letters, digits, '_' or '-', starting with a letter or digit.");
        }
        String charge = text(req, "ChargeType", true);
        if (!charge.equals("POSTPAID_BY_HOUR") && !charge.equals("PREPAID")) {
            throw ApiException.invalidValue("ChargeType must be POSTPAID_BY_HOUR or PREPAID, was " + charge + ".");
        }
        JsonNode res = req.path("ResourceConfigInfos");
        if (!res.isArray() || res.isEmpty()) {
            throw ApiException.missing("ResourceConfigInfos");
        }
        String spec = res.get(0).path("InstanceType").asText("");
        int nodes = res.get(0).path("InstanceNum").asInt(0);
        if (!Catalog.SPECS.containsKey(spec)) {
            throw ApiException.invalidValue("ResourceConfigInfos.InstanceType '" + spec + "' is not a training spec; "
                    + "DescribeBillingSpecs lists them.");
        }
        if (nodes < 1) {
            throw ApiException.invalidValue("ResourceConfigInfos.InstanceNum must be at least 1.");
        }
        String fwName = text(req, "FrameworkName", false);
        String fwEnv = text(req, "FrameworkEnvironment", false);
        String mode = text(req, "TrainingMode", false);
        if (fwName != null && Catalog.framework(fwName, fwEnv, mode) == null) {
            throw ApiException.invalidValue("the framework " + fwName + "/" + fwEnv + "/" + mode
                    + " is not offered; DescribeTrainingFrameworks lists them.");
        }
        JsonNode out = req.path("Output");
        if (out.isMissingNode() || out.path("Bucket").asText("").isEmpty()) {
            throw ApiException.missing("Output");
        }
        int inUse = emu.state().tasks.values().stream().filter(t -> !t.finished()).mapToInt(t -> t.nodes).sum();
        if (inUse + nodes > emu.config().nodeQuota()) {
            throw new ApiException("LimitExceeded", "The account's training quota is " + emu.config().nodeQuota()
                    + " nodes at once; " + inUse + " are in use and this task asks for " + nodes + ".");
        }
        TaskRecord t = new TaskRecord();
        t.id = emu.state().newId("train-");
        t.name = name;
        t.region = region;
        t.spec = spec;
        t.nodes = nodes;
        t.frameworkName = fwName;
        t.frameworkVersion = text(req, "FrameworkVersion", false);
        t.frameworkEnvironment = fwEnv;
        t.trainingMode = mode;
        JsonNode code = req.path("CodePackagePath");
        if (!code.isMissingNode()) {
            t.codeBucket = bucket(code);
            t.codePath = firstPath(code);
        }
        for (JsonNode d : req.path("DataConfigs")) {
            JsonNode src = d.path("CosSource");
            t.data.add(new TaskRecord.DataMapping(bucket(src), firstPath(src), d.path("MappingPath").asText("/opt/ml/input/data")));
        }
        t.outputBucket = bucket(out);
        t.outputPath = firstPath(out);
        t.startCmd = req.path("StartCmdInfo").path("StartCmd").asText("");
        if (t.startCmd.isEmpty()) {
            t.startCmd = req.path("StartCmdInfo").path("WorkerStartCmd").asText("");
        }
        if (t.startCmd.isEmpty()) {
            throw ApiException.missing("StartCmdInfo.StartCmd");
        }
        for (JsonNode tag : req.path("Tags")) {
            t.tags.put(tag.path("TagKey").asText(), tag.path("TagValue").asText());
        }
        t.status = "SUBMITTING";
        t.createTime = System.currentTimeMillis();
        t.roleSecretId = "AKIDtask" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
        t.roleSecretKey = UUID.randomUUID().toString().replace("-", "");
        emu.state().tasks.put(t.id, t);
        emu.state().save();
        emu.runner().start(t.id);
        ObjectNode r = JSON.createObjectNode();
        r.put("Id", t.id);
        return r;
    }

    private String bucket(JsonNode cosPath) {
        String bucket = cosPath.path("Bucket").asText("");
        if (bucket.isEmpty()) {
            throw ApiException.missing("Bucket");
        }
        if (emu.config().foreignBuckets().contains(bucket)) {
            throw new ApiException("AuthFailure.UnauthorizedOperation", "The bucket " + bucket
                    + " belongs to another account; this account may not read or write it.");
        }
        if (!emu.config().buckets().contains(bucket)) {
            throw ApiException.notFound("The bucket " + bucket + " does not exist.");
        }
        return bucket;
    }

    private static String firstPath(JsonNode cosPath) {
        JsonNode paths = cosPath.path("Paths");
        return paths.isArray() && !paths.isEmpty() ? paths.get(0).asText() : cosPath.path("Path").asText("");
    }

    private ObjectNode list() {
        ObjectNode r = JSON.createObjectNode();
        ArrayNode set = r.putArray("TrainingTaskSet");
        emu.state().tasks.values().forEach(t -> set.add(render(t)));
        r.put("TotalCount", set.size());
        return r;
    }

    private ObjectNode stop(JsonNode req) {
        TaskRecord t = task(req);
        if (t.finished() || t.status.equals("STOPPING")) {
            throw new ApiException("FailedOperation", "The task " + t.id + " is " + t.status + " and cannot be stopped.");
        }
        t.status = "STOPPING";
        if (t.startTime > 0) {
            t.endTime = System.currentTimeMillis();
        }
        emu.state().save();
        emu.runner().stop(t.id);
        return JSON.createObjectNode();
    }

    private ObjectNode delete(JsonNode req) {
        TaskRecord t = task(req);
        if (!t.finished()) {
            emu.runner().stop(t.id);
        }
        emu.state().tasks.remove(t.id);
        emu.state().save();
        return JSON.createObjectNode();
    }

    private ObjectNode frameworks() {
        ObjectNode r = JSON.createObjectNode();
        ArrayNode infos = r.putArray("FrameworkInfos");
        Map<String, ArrayNode> byName = new HashMap<>();
        for (Catalog.Framework f : Catalog.FRAMEWORKS) {
            ArrayNode versions = byName.computeIfAbsent(f.name(), n -> {
                ObjectNode info = infos.addObject();
                info.put("Name", n);
                return info.putArray("VersionInfos");
            });
            ObjectNode v = versions.addObject();
            v.put("Version", f.version());
            v.put("Environment", f.environment());
            ArrayNode modes = v.putArray("TrainingModes");
            f.modes().forEach(modes::add);
        }
        return r;
    }

    private ObjectNode specs() {
        ObjectNode r = JSON.createObjectNode();
        ArrayNode specs = r.putArray("Specs");
        for (Catalog.Spec s : Catalog.SPECS.values()) {
            ObjectNode o = specs.addObject();
            o.put("SpecId", s.name());
            o.put("SpecName", s.name());
            o.put("SpecAlias", s.gpus() == 0 ? s.cpu() + "C" + s.memoryGb() + "G"
                    : s.gpuType() + "*" + s.gpus() + " " + s.cpu() + "C" + s.memoryGb() + "G");
            o.put("Available", true);
        }
        return r;
    }

    private ObjectNode prices(JsonNode req) {
        ObjectNode r = JSON.createObjectNode();
        ArrayNode prices = r.putArray("SpecsPrice");
        for (JsonNode p : req.path("SpecsParam")) {
            String name = p.path("SpecName").asText("");
            Catalog.Spec s = Catalog.SPECS.get(name);
            if (s == null) {
                throw ApiException.invalidValue("SpecName '" + name + "' is not a training spec; DescribeBillingSpecs lists them.");
            }
            long count = Math.max(1, p.path("SpecCount").asLong(1));
            ObjectNode o = prices.addObject();
            o.put("SpecName", name);
            o.put("TotalCost", s.centsPerHour() * count);
            o.put("RealTotalCost", s.centsPerHour() * count);
        }
        return r;
    }

    private ObjectNode push(JsonNode req) {
        String caller = emu.currentCaller();
        for (JsonNode d : req.path("Data")) {
            String taskId = d.path("TaskId").asText("");
            TaskRecord t = emu.state().tasks.get(taskId);
            if (t == null) {
                throw ApiException.notFound("The training task " + taskId + " does not exist.");
            }
            if (!caller.equals(emu.config().secretId()) && !caller.equals(t.roleSecretId)) {
                throw new ApiException("AuthFailure.UnauthorizedOperation", "This key may not push metrics of " + taskId + ".");
            }
            for (JsonNode p : d.path("Points")) {
                emu.state().metrics.add(new TioneState.Metric(taskId, d.path("Timestamp").asLong(), d.path("Epoch").asLong(),
                        d.path("Step").asLong(), p.path("Name").asText(), p.path("Value").asDouble()));
            }
        }
        emu.state().save();
        return JSON.createObjectNode();
    }

    private ObjectNode metrics(JsonNode req) {
        String taskId = text(req, "TaskId", true);
        ObjectNode r = JSON.createObjectNode();
        ArrayNode data = r.putArray("Data");
        for (TioneState.Metric m : emu.state().metrics) {
            if (m.taskId().equals(taskId)) {
                ObjectNode o = data.addObject();
                o.put("TaskId", taskId);
                o.put("Timestamp", m.timestamp());
                o.put("Epoch", m.epoch());
                o.put("Step", m.step());
                o.put("MetricName", m.name());
                o.put("Value", m.value());
            }
        }
        return r;
    }

    private ObjectNode createModel(JsonNode req) {
        String name = text(req, "TrainingModelName", true);
        String taskId = text(req, "TrainingJobId", false);
        JsonNode cos = req.path("TrainingModelCosPath");
        String bucket;
        String path;
        if (taskId != null && !taskId.isEmpty()) {
            TaskRecord t = emu.state().tasks.get(taskId);
            if (t == null) {
                throw ApiException.notFound("The training task " + taskId + " does not exist.");
            }
            if (!t.status.equals("SUCCEED")) {
                throw new ApiException("FailedOperation", "The task " + taskId + " is " + t.status
                        + "; only a task that succeeded can be registered as a model.");
            }
            bucket = t.outputBucket;
            String base = t.outputPath == null ? "" : t.outputPath.replaceFirst("^/", "");
            path = (base.isEmpty() || base.endsWith("/") ? base : base + "/") + taskId + "/";
        } else if (!cos.isMissingNode()) {
            bucket = bucket(cos);
            path = firstPath(cos);
        } else {
            throw ApiException.missing("TrainingJobId");
        }
        String id = emu.state().newId("m-");
        String version = emu.state().newId("mv-");
        emu.state().models.add(new TioneState.Model(id, name, version, taskId, bucket, path,
                text(req, "ReasoningEnvironment", false), System.currentTimeMillis()));
        emu.state().save();
        ObjectNode r = JSON.createObjectNode();
        r.put("Id", id);
        r.put("TrainingModelVersionId", version);
        return r;
    }

    private ObjectNode modelVersions(JsonNode req) {
        String modelId = req.path("TrainingModelId").asText("");
        String versionId = req.path("TrainingModelVersionId").asText("");
        ObjectNode r = JSON.createObjectNode();
        ArrayNode set = r.putArray("TrainingModelVersions");
        for (TioneState.Model m : emu.state().models) {
            if (m.id().equals(modelId) || m.versionId().equals(versionId)) {
                ObjectNode o = set.addObject();
                o.put("TrainingModelId", m.id());
                o.put("TrainingModelVersionId", m.versionId());
                o.put("TrainingModelVersion", "v1");
                o.put("TrainingJobId", m.taskId());
                ObjectNode cos = o.putObject("ModelOutputPath");
                cos.put("Bucket", m.bucket());
                cos.putArray("Paths").add(m.path());
                o.put("CreateTime", iso(m.createTime()));
                if (m.versionId().equals(versionId)) {
                    r.set("TrainingModelVersion", o);
                }
            }
        }
        if (set.isEmpty()) {
            throw ApiException.notFound("No model " + (modelId.isEmpty() ? "version " + versionId : modelId) + ".");
        }
        return r;
    }

    /** Lines of the task's pods after {@code Context} ({@code pod=lines,...}), oldest first, at most Limit (100). */
    private ObjectNode logs(JsonNode req) {
        String service = text(req, "Service", true);
        if (!service.equals("TRAIN")) {
            throw ApiException.invalidValue("Service '" + service + "' is not served here; use TRAIN.");
        }
        String taskId = text(req, "ServiceId", true);
        TaskRecord t = emu.state().tasks.get(taskId);
        if (t == null) {
            throw ApiException.notFound("The training task " + taskId + " does not exist.");
        }
        int limit = req.path("Limit").asInt(100);
        if (limit < 1 || limit > 100) {
            throw ApiException.invalidValue("Limit must be 1 to 100.");
        }
        String podFilter = req.path("PodName").asText("");
        long from = time(req.path("StartTime").asText(""), 0);
        long to = time(req.path("EndTime").asText(""), Long.MAX_VALUE);
        Map<String, Integer> offsets = new HashMap<>();
        for (String part : req.path("Context").asText("").split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                offsets.put(part.substring(0, eq), Integer.parseInt(part.substring(eq + 1)));
            }
        }
        record Line(long time, String pod, int index, String text) {}
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < t.nodes; i++) {
            String pod = t.pod(i);
            if (!podFilter.isEmpty() && !podFilter.equals(pod)) {
                continue;
            }
            Path f = emu.runner().log(t.id, pod);
            if (!Files.exists(f)) {
                continue;
            }
            try {
                List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
                for (int n = offsets.getOrDefault(pod, 0); n < all.size(); n++) {
                    String l = all.get(n);
                    int tab = l.indexOf('\t');
                    lines.add(new Line(Long.parseLong(l.substring(0, tab)), pod, n, l.substring(tab + 1)));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        lines.sort((a, b) -> a.time() != b.time() ? Long.compare(a.time(), b.time()) : a.pod().compareTo(b.pod()));
        ObjectNode r = JSON.createObjectNode();
        ArrayNode content = r.putArray("Content");
        for (Line l : lines) {
            if (content.size() == limit) {
                break;
            }
            offsets.put(l.pod(), l.index() + 1);
            if (l.time() < from || l.time() > to) {
                continue;
            }
            ObjectNode o = content.addObject();
            o.put("PodName", l.pod());
            o.put("Message", l.text());
            o.put("Timestamp", iso(l.time()));
        }
        StringBuilder ctx = new StringBuilder();
        offsets.forEach((k, v) -> ctx.append(ctx.isEmpty() ? "" : ",").append(k).append('=').append(v));
        r.put("Context", ctx.toString());
        return r;
    }

    ObjectNode render(TaskRecord t) {
        ObjectNode o = JSON.createObjectNode();
        long now = System.currentTimeMillis();
        o.put("Id", t.id);
        o.put("Name", t.name);
        o.put("Region", t.region);
        o.put("FrameworkName", t.frameworkName);
        o.put("FrameworkVersion", t.frameworkVersion);
        o.put("FrameworkEnvironment", t.frameworkEnvironment);
        o.put("ChargeType", "POSTPAID_BY_HOUR");
        o.put("TrainingMode", t.trainingMode);
        ArrayNode res = o.putArray("ResourceConfigInfos");
        ObjectNode rc = res.addObject();
        rc.put("Role", "WORKER");
        rc.put("InstanceType", t.spec);
        rc.put("InstanceNum", t.nodes);
        Catalog.Spec spec = Catalog.SPECS.get(t.spec);
        if (spec != null) {
            rc.put("Gpu", spec.gpus() * 100);
            rc.put("GpuType", spec.gpuType());
            rc.put("Cpu", spec.cpu() * 1000);
            rc.put("Memory", spec.memoryGb() * 1024);
        }
        o.put("Status", t.status);
        o.put("RuntimeInSeconds", t.runtimeSeconds(now));
        o.put("CreateTime", iso(t.createTime));
        o.put("StartTime", t.startTime == 0 ? null : iso(t.startTime));
        o.put("EndTime", t.endTime == 0 ? null : iso(t.endTime));
        ObjectNode out = o.putObject("Output");
        out.put("Bucket", t.outputBucket);
        out.put("Region", t.region);
        out.putArray("Paths").add(t.outputPath);
        o.put("FailureReason", t.failureReason);
        o.put("LatestInstanceId", t.id);
        double cost = spec == null ? 0 : spec.centsPerHour() / 100.0 * t.nodes * t.runtimeSeconds(now) / 3600.0;
        o.put("BillingInfo", String.format(java.util.Locale.ROOT, "%.4f", cost));
        ArrayNode tags = o.putArray("Tags");
        t.tags.forEach((k, v) -> tags.addObject().put("TagKey", k).put("TagValue", v));
        ObjectNode cmd = o.putObject("StartCmdInfo");
        cmd.put("StartCmd", t.startCmd);
        return o;
    }

    private TaskRecord task(JsonNode req) {
        String id = text(req, "Id", true);
        TaskRecord t = emu.state().tasks.get(id);
        if (t == null) {
            throw ApiException.notFound("The training task " + id + " does not exist.");
        }
        return t;
    }

    private static String text(JsonNode req, String name, boolean required) {
        JsonNode n = req.get(name);
        if (n == null || n.isNull() || n.asText().isEmpty()) {
            if (required) {
                throw ApiException.missing(name);
            }
            return null;
        }
        return n.asText();
    }

    private static long time(String rfc3339, long otherwise) {
        if (rfc3339.isEmpty()) {
            return otherwise;
        }
        try {
            return OffsetDateTime.parse(rfc3339).toInstant().toEpochMilli();
        } catch (RuntimeException e) {
            throw ApiException.invalidValue("'" + rfc3339 + "' is not an RFC 3339 time.");
        }
    }

    static String iso(long millis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC).withNano(0).toString();
    }
}
