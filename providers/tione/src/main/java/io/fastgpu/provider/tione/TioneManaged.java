package io.fastgpu.provider.tione;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.files.UploadSpec;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.util.Suggest;
import io.fastgpu.provider.tione.wire.CosCalls;
import io.fastgpu.provider.tione.wire.TioneCalls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** A job as one TI-ONE training task: plan (checks and price), upload, create, follow, download. */
final class TioneManaged implements ManagedTraining {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STOP_WAIT = Duration.ofSeconds(60);

    private final TioneSettings settings;
    private final TioneClients clients;

    TioneManaged(TioneSettings settings, TioneClients clients) {
        this.settings = settings;
        this.clients = clients;
    }

    /** What a job file asks of TI-ONE, checked against the platform's lists. */
    record Request(String spec, int nodes, String frameworkName, String frameworkVersion, String environment,
                   String mode, Map<CosPath, String> data, long centsPerHour) {}

    @Override
    public Plan plan(JobFile job) {
        Request r = check(job);
        String bucket = settings.requireBucket();
        List<String> lines = new ArrayList<>();
        lines.add("Plan for job '" + job.name() + "' on TI-ONE (" + settings.region() + "):");
        lines.add("  upload: the job folder's files that changed to cos://" + bucket + "/" + codePrefix(job));
        lines.add("  task: " + r.nodes() + " x " + r.spec() + ", " + r.frameworkName() + " " + r.environment() + " " + r.mode());
        r.data().forEach((from, to) -> lines.add("  input: " + from + " -> " + to));
        lines.add("  output: cos://" + bucket + "/" + outputPrefix(job) + "<task id>/");
        lines.add(String.format(Locale.ROOT, "  cost: about %.2f CNY per hour (DescribeBillingSpecsPrice)", r.centsPerHour() / 100.0));
        String question = String.format(Locale.ROOT, "Run training task '%s' on %d x %s in %s at about %.2f CNY per hour,"
                + " charged to your Tencent Cloud account?", job.name(), r.nodes(), r.spec(), settings.region(), r.centsPerHour() / 100.0);
        return new Plan(job, lines, question);
    }

    Request check(JobFile job) {
        settings.requireCredentials();
        TioneCalls api = clients.api();
        String spec = job.resources().instanceType();
        List<String> specs = new ArrayList<>();
        api.call("DescribeBillingSpecs", Map.of("TaskType", "TRAIN", "ChargeType", "POSTPAID_BY_HOUR"))
                .path("Specs").forEach(s -> specs.add(s.path("SpecName").asText()));
        if (spec == null || spec.isBlank() || !specs.contains(spec)) {
            throw new InvalidSpecException(job.file() + ": resources.instance_type '" + spec + "' is not a TI-ONE training spec"
                    + Suggest.closest(spec == null ? "" : spec, specs).map(s -> "; did you mean " + s + "?").orElse("")
                    + " ('fastgpu tione prices' lists them)");
        }
        String fw = job.backendOptions().getOrDefault("framework", "");
        String[] parts = fw.split("/");
        if (parts.length != 3) {
            throw new InvalidSpecException(job.file() + ": resources.framework must be NAME/ENVIRONMENT/MODE, such as"
                    + " PYTORCH/torch1.9-py3.8-cuda11.1-gpu/DDP, was '" + fw + "' ('fastgpu tione frameworks' lists them)");
        }
        List<String> offered = new ArrayList<>();
        String version = null;
        for (JsonNode f : api.call("DescribeTrainingFrameworks", Map.of()).path("FrameworkInfos")) {
            for (JsonNode v : f.path("VersionInfos")) {
                for (JsonNode m : v.path("TrainingModes")) {
                    String full = f.path("Name").asText() + "/" + v.path("Environment").asText() + "/" + m.asText();
                    offered.add(full);
                    if (full.equals(fw)) version = v.path("Version").asText();
                }
            }
        }
        if (version == null) {
            throw new InvalidSpecException(job.file() + ": resources.framework '" + fw + "' is not offered"
                    + Suggest.closest(fw, offered).map(s -> "; did you mean " + s + "?").orElse("")
                    + " ('fastgpu tione frameworks' lists them)");
        }
        Map<CosPath, String> data = new LinkedHashMap<>();
        job.data().forEach((from, to) -> {
            CosPath p = CosPath.parse(from);
            if (clients.cos().list(p.bucket(), p.path()).isEmpty()) {
                throw new FastGpuException("data: " + p + " holds no data; upload it first ('fastgpu tione upload LOCAL " + p + "')");
            }
            data.put(p, to);
        });
        clients.cos().list(settings.requireBucket(), codePrefix(job)); // the bucket exists and is ours
        JsonNode price = api.call("DescribeBillingSpecsPrice", Map.of("TaskType", "TRAIN", "ChargeType", "POSTPAID_BY_HOUR",
                "SpecsParam", List.of(Map.of("SpecName", spec, "SpecCount", job.machines()))));
        long cents = price.path("SpecsPrice").path(0).path("RealTotalCost").asLong(0);
        return new Request(spec, job.machines(), parts[0], version, parts[1], parts[2], data, cents);
    }

    @Override
    public Outcome run(Plan plan, Path outDir, Consumer<String> out, AtomicBoolean interrupted, Tracker tracker) {
        JobFile job = plan.job();
        Request r = check(job);
        String bucket = settings.requireBucket();
        tracker.phase("upload");
        if (!upload(job, bucket, out, interrupted)) {
            return new Outcome("", "NOT_CREATED", "interrupted during the upload; no task was created", List.of(), null, 130);
        }
        tracker.phase("submit");
        String taskId = create(job, r, bucket);
        out.accept("[tione] created training task " + taskId + " (" + r.nodes() + " x " + r.spec() + ")");
        tracker.created(taskId, "cos://" + bucket + "/" + outputPrefix(job) + taskId);
        try {
            tracker.phase("train");
            return follow(job, taskId, bucket, outDir, out, interrupted, tracker);
        } catch (RuntimeException e) {
            stopQuietly(taskId, out);
            throw e;
        }
    }

    private Outcome follow(JobFile job, String taskId, String bucket, Path outDir, Consumer<String> out, AtomicBoolean interrupted,
                           Tracker tracker) {
        Deque<String> last = new ArrayDeque<>();
        String context = "";
        String shown = "";
        while (true) {
            if (interrupted.get()) {
                String status = stopAndWait(taskId, out);
                return new Outcome(taskId, status, "training task " + taskId + " was stopped (" + status + ")",
                        List.copyOf(last), null, 130);
            }
            JsonNode detail = clients.api().call("DescribeTrainingTask", Map.of("Id", taskId)).path("TrainingTaskDetail");
            String status = detail.path("Status").asText();
            if (!status.equals(shown)) {
                out.accept("[tione] " + taskId + ": " + status);
                shown = status;
            }
            context = drainLogs(taskId, context, out, last);
            switch (status) {
                case "SUCCEED" -> {
                    drainLogs(taskId, context, out, last);
                    tracker.phase("download");
                    Path where = download(job, bucket, taskId, outDir, out);
                    return new Outcome(taskId, status, "", List.of(), where);
                }
                case "FAILED", "STOPPED" -> {
                    drainLogs(taskId, context, out, last);
                    String reason = detail.path("FailureReason").asText("");
                    return new Outcome(taskId, status, "training task " + taskId + " " + status
                            + (reason.isEmpty() ? "" : ": " + reason), List.copyOf(last), null, exitCode(status, reason));
                }
                default -> sleep(POLL);
            }
        }
    }

    /** The start command's exit code as the failure reason says it ("... exited with code 3 ..."), else 1 (130 when stopped). */
    static int exitCode(String status, String reason) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)exit(?:ed)?(?: with)?(?: code| status)?[ :=]+(\\d{1,3})\\b")
                .matcher(reason);
        if (m.find()) {
            int code = Integer.parseInt(m.group(1));
            if (code > 0 && code < 256) return code;
        }
        return status.equals("STOPPED") ? 130 : 1;
    }

    @Override
    public List<MetricValue> metrics(String taskId) {
        settings.requireCredentials();
        List<MetricValue> values = new ArrayList<>();
        for (JsonNode d : clients.api().call("DescribeTrainingMetrics", Map.of("TaskId", taskId)).path("Data")) {
            double v = d.path("Value").asDouble(Double.NaN);
            if (!Double.isFinite(v)) continue;
            values.add(new MetricValue(d.path("MetricName").asText(), v, d.path("Epoch").asLong(), d.path("Step").asLong(),
                    java.time.Instant.ofEpochSecond(d.path("Timestamp").asLong())));
        }
        return values;
    }

    @Override
    public void fetchOutput(String taskId, String path, Path dest) {
        settings.requireCredentials();
        JsonNode output = clients.api().call("DescribeTrainingTask", Map.of("Id", taskId)).path("TrainingTaskDetail").path("Output");
        String bucket = output.path("Bucket").asText();
        String base = output.path("Paths").path(0).asText("").replaceFirst("^/", "");
        base = (base.isEmpty() || base.endsWith("/") ? base : base + "/") + taskId + "/";
        String key = base + path.replaceFirst("^\\./", "");
        boolean there = clients.cos().list(bucket, key).stream().anyMatch(o -> o.key().equals(key));
        if (!there) {
            throw new io.fastgpu.api.NotFoundException("'" + path + "' is not in the output of training task " + taskId
                    + " (cos://" + bucket + "/" + base + "); the training script writes its output to $FASTGPU_OUTPUT");
        }
        clients.cos().get(bucket, key, dest);
    }

    /** Prints the log lines after {@code context}; answers the new context. */
    private String drainLogs(String taskId, String context, Consumer<String> out, Deque<String> last) {
        while (true) {
            Map<String, Object> req = new LinkedHashMap<>();
            req.put("Service", "TRAIN");
            req.put("ServiceId", taskId);
            req.put("Limit", 100);
            req.put("Context", context);
            JsonNode page = clients.api().call("DescribeLogs", req);
            JsonNode content = page.path("Content");
            for (JsonNode l : content) {
                String pod = l.path("PodName").asText();
                String line = "[" + pod.substring(pod.lastIndexOf("worker-")) + "] " + l.path("Message").asText();
                out.accept(line);
                last.addLast(l.path("Message").asText());
                if (last.size() > 10) last.removeFirst();
            }
            context = page.path("Context").asText(context);
            if (content.size() < 100) return context;
        }
    }

    @Override
    public void logs(String task, boolean follow, Consumer<String> out) {
        settings.requireCredentials();
        String id = resolve(task);
        String context = "";
        Deque<String> last = new ArrayDeque<>();
        while (true) {
            String status = clients.api().call("DescribeTrainingTask", Map.of("Id", id)).path("TrainingTaskDetail").path("Status").asText();
            context = drainLogs(id, context, out, last);
            if (!follow || status.equals("SUCCEED") || status.equals("FAILED") || status.equals("STOPPED")) {
                if (follow) drainLogs(id, context, out, last);
                if (follow) out.accept("[tione] " + id + ": " + status);
                return;
            }
            sleep(POLL);
        }
    }

    /** A task id, or the newest task of that name. */
    String resolve(String task) {
        if (task.startsWith("train-")) return task;
        String found = null;
        for (JsonNode t : clients.api().call("DescribeTrainingTasks", Map.of("Limit", 100)).path("TrainingTaskSet")) {
            if (t.path("Name").asText().equals(task)) found = t.path("Id").asText();
        }
        if (found == null) throw new FastGpuException("tione: no training task named '" + task + "'; 'fastgpu ls' lists them");
        return found;
    }

    private String create(JobFile job, Request r, String bucket) {
        ObjectNode req = JSON.createObjectNode();
        req.put("Name", taskName(job.name()));
        req.put("ChargeType", "POSTPAID_BY_HOUR");
        ObjectNode res = req.putArray("ResourceConfigInfos").addObject();
        res.put("Role", "WORKER");
        res.put("InstanceType", r.spec());
        res.put("InstanceNum", r.nodes());
        req.put("FrameworkName", r.frameworkName());
        req.put("FrameworkVersion", r.frameworkVersion());
        req.put("FrameworkEnvironment", r.environment());
        req.put("TrainingMode", r.mode());
        req.set("CodePackagePath", cosPath(bucket, codePrefix(job)));
        ArrayNode data = req.putArray("DataConfigs");
        r.data().forEach((from, to) -> {
            ObjectNode d = data.addObject();
            d.put("MappingPath", to);
            d.put("DataSourceType", "COS");
            d.set("CosSource", cosPath(from.bucket(), from.path()));
        });
        req.set("Output", cosPath(bucket, outputPrefix(job)));
        req.putObject("StartCmdInfo").put("StartCmd", EntryScript.START_CMD);
        ArrayNode tags = req.putArray("Tags");
        tags.addObject().put("TagKey", Tags.JOB).put("TagValue", job.name());
        tags.addObject().put("TagKey", Tags.OWNER).put("TagValue", Tags.currentOwner());
        req.put("LogEnable", false);
        return clients.api().call("CreateTrainingTask", req).path("Id").asText();
    }

    private ObjectNode cosPath(String bucket, String path) {
        ObjectNode o = JSON.createObjectNode();
        o.put("Bucket", bucket);
        o.put("Region", settings.region());
        o.putArray("Paths").add(path);
        return o;
    }

    /** Uploads the files that differ from what COS holds (by MD5), with progress; false when interrupted. */
    private boolean upload(JobFile job, String bucket, Consumer<String> out, AtomicBoolean interrupted) {
        String prefix = codePrefix(job);
        Map<String, Path> files = new LinkedHashMap<>();
        for (UploadSpec spec : job.upload()) { // to the code folder, as other backends upload to the task's home
            for (FileCopy f : FileSelection.select(job.folder(), spec).files()) files.put(f.relative(), f.local());
        }
        try {
            Path tmp = Files.createTempDirectory("fastgpu-tione");
            Path entry = tmp.resolve("entry.sh");
            Files.writeString(entry, EntryScript.render(job));
            Path metrics = tmp.resolve("push_metrics.py");
            try (InputStream in = TioneManaged.class.getResourceAsStream("push_metrics.py")) {
                Files.copy(in, metrics);
            }
            // fastgpu.metrics, where this FastGPU has it, so 'from fastgpu import metrics' works on the nodes too.
            try (InputStream in = TioneManaged.class.getResourceAsStream("/io/fastgpu/core/runtime/python/fastgpu/metrics.py")) {
                if (in != null) {
                    Path pkg = Files.createDirectories(tmp.resolve("fastgpu"));
                    Files.copy(in, pkg.resolve("metrics.py"));
                    Files.writeString(pkg.resolve("__init__.py"), "");
                    files.put("fastgpu/metrics.py", pkg.resolve("metrics.py"));
                    files.put("fastgpu/__init__.py", pkg.resolve("__init__.py"));
                }
            }
            files.put(EntryScript.PATH, entry);
            files.put(EntryScript.METRICS, metrics);
            return uploadFiles(files, bucket, prefix, out, interrupted);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Puts each file whose MD5 differs from the object's under {@code prefix}; prints progress. False when interrupted. */
    boolean uploadFiles(Map<String, Path> files, String bucket, String prefix, Consumer<String> out, AtomicBoolean interrupted) {
        Map<String, String> remote = new LinkedHashMap<>();
        clients.cos().list(bucket, prefix).forEach(o -> remote.put(o.key(), o.etag()));
        List<Map.Entry<String, Path>> changed = new ArrayList<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            if (!md5(f.getValue()).equals(remote.get(prefix + f.getKey()))) changed.add(f);
        }
        long total = 0;
        for (Map.Entry<String, Path> f : changed) total += size(f.getValue());
        out.accept(String.format(Locale.ROOT, "[tione] upload to cos://%s/%s: %d of %d files changed (%s)", bucket, prefix,
                changed.size(), files.size(), bytes(total)));
        long done = 0;
        int n = 0;
        for (Map.Entry<String, Path> f : changed) {
            if (interrupted.get()) return false;
            clients.cos().put(bucket, prefix + f.getKey(), f.getValue());
            done += size(f.getValue());
            n++;
            out.accept(String.format(Locale.ROOT, "[tione] upload %3d%% %d/%d %s", total == 0 ? 100 : done * 100 / total, n,
                    changed.size(), f.getKey()));
        }
        return !interrupted.get();
    }

    private Path download(JobFile job, String bucket, String taskId, Path outDir, Consumer<String> out) {
        String base = outputPrefix(job) + taskId + "/";
        List<CosCalls.CosObject> objects = clients.cos().list(bucket, base);
        List<String> wanted = job.download();
        int n = 0;
        for (CosCalls.CosObject o : objects) {
            String rel = o.key().substring(base.length());
            boolean take = wanted.isEmpty() || wanted.stream().anyMatch(w -> {
                String p = w.replaceFirst("^\\./", "").replaceFirst("/$", "");
                return rel.equals(p) || rel.startsWith(p + "/");
            });
            if (!take || rel.isEmpty()) continue;
            Path dest = outDir.resolve(rel).normalize();
            if (!dest.startsWith(outDir.normalize())) continue;
            clients.cos().get(bucket, o.key(), dest);
            n++;
        }
        out.accept("[tione] downloaded " + n + " file(s) from cos://" + bucket + "/" + base + " to " + outDir);
        return outDir;
    }

    private String stopAndWait(String taskId, Consumer<String> out) {
        out.accept("[tione] stopping training task " + taskId);
        stopQuietly(taskId, out);
        long until = System.nanoTime() + STOP_WAIT.toNanos();
        while (System.nanoTime() < until) {
            String status = clients.api().call("DescribeTrainingTask", Map.of("Id", taskId)).path("TrainingTaskDetail")
                    .path("Status").asText();
            if (status.equals("STOPPED") || status.equals("FAILED") || status.equals("SUCCEED")) return status;
            sleep(POLL);
        }
        return "STOPPING";
    }

    void stopQuietly(String taskId, Consumer<String> out) {
        try {
            clients.api().call("StopTrainingTask", Map.of("Id", taskId));
        } catch (FastGpuException e) {
            out.accept("[tione] " + e.getMessage());
        }
    }

    String codePrefix(JobFile job) { return prefix() + job.name() + "/code/"; }

    String outputPrefix(JobFile job) { return prefix() + job.name() + "/output/"; }

    private String prefix() {
        String p = settings.prefix().replaceFirst("^/", "");
        return p.isEmpty() || p.endsWith("/") ? p : p + "/";
    }

    static String taskName(String job) {
        String n = job.replaceAll("[^A-Za-z0-9_-]", "-");
        if (!n.matches("[A-Za-z0-9].*")) n = "j" + n;
        return n.length() > 60 ? n.substring(0, 60) : n;
    }

    static String md5(Path f) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            try (InputStream in = new DigestInputStream(Files.newInputStream(f), md)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String bytes(long n) {
        return n < 1024 ? n + " B" : n < 1 << 20 ? String.format(Locale.ROOT, "%.1f KB", n / 1024.0)
                : String.format(Locale.ROOT, "%.1f MB", n / 1048576.0);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String text(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
}
