package io.fastgpu.emulator.tione;

import io.fastgpu.emulator.machine.EmulatedMachines;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

/**
 * Drives each training task through the states TI-ONE documents: SUBMITTING, PENDING, STARTING (the code
 * package and COS inputs downloaded into each node's {@code opt/ml} folders), RUNNING (the start command
 * run from the code folder on every node, an emulated machine, with NODE_NUM, INDEX, GPU_NUM_PER_NODE and
 * CHIEF_IP), then the output folder synced to {@code <output path>/<task id>/} and SUCCEED, or FAILED;
 * StopTrainingTask goes STOPPING then STOPPED. Each node's output lines are kept with their time for
 * DescribeLogs ({@code logs/<pod>.log}, {@code millis<TAB>line}).
 */
final class TaskRunner implements AutoCloseable {
    private final TioneEmulator emulator;
    private final EmulatedMachines machines;
    private final CosStore cos;
    private final Path nodesRoot;
    private final Path logsRoot;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "tione-task");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<Process>> running = new java.util.concurrent.ConcurrentHashMap<>();

    TaskRunner(TioneEmulator emulator, EmulatedMachines machines, CosStore cos, Path root) {
        this.emulator = emulator;
        this.machines = machines;
        this.cos = cos;
        this.nodesRoot = root.resolve("nodes");
        this.logsRoot = root.resolve("logs");
    }

    void start(String taskId) {
        threads.execute(() -> drive(taskId));
    }

    /** Ends a task's nodes now; the caller marks it STOPPING (then STOPPED after the latency). */
    void stop(String taskId) {
        TaskRecord t = emulator.task(taskId);
        if (t == null) {
            return;
        }
        for (int i = 0; i < t.nodes; i++) {
            machines.halt(t.pod(i));
        }
        threads.execute(() -> {
            sleep();
            emulator.update(taskId, r -> {
                if (r.status.equals("STOPPING")) {
                    r.status = "STOPPED";
                    r.endTime = System.currentTimeMillis();
                }
            });
        });
    }

    /** The folder every node's {@code /opt/ml} lies in. */
    Path optMl(TaskRecord t, int index) {
        return nodesRoot.resolve(t.pod(index)).resolve("opt/ml");
    }

    Path log(String taskId, String pod) {
        return logsRoot.resolve(taskId).resolve(pod + ".log");
    }

    private void drive(String taskId) {
        try {
            if (!advance(taskId, "SUBMITTING", "PENDING") || !advance(taskId, "PENDING", "STARTING")) {
                return;
            }
            TaskRecord t = emulator.task(taskId);
            for (int i = 0; i < t.nodes; i++) {
                prepare(t, i);
            }
            sleep();
            if (!emulator.update(taskId, r -> {
                if (r.status.equals("STARTING")) {
                    r.status = "RUNNING";
                    r.startTime = System.currentTimeMillis();
                }
            }).status.equals("RUNNING")) {
                return;
            }
            List<Process> procs = new ArrayList<>();
            for (int i = 0; i < t.nodes; i++) {
                procs.add(launch(t, i));
            }
            running.put(taskId, procs);
            int failedNode = -1;
            int code = 0;
            for (int i = 0; i < procs.size(); i++) {
                int c = procs.get(i).waitFor();
                if (c != 0 && failedNode < 0) {
                    failedNode = i;
                    code = c;
                    for (int j = 0; j < t.nodes; j++) {
                        machines.halt(t.pod(j));
                    }
                }
            }
            running.remove(taskId);
            if (!emulator.task(taskId).status.equals("RUNNING")) {
                return; // stopped meanwhile
            }
            if (failedNode >= 0) {
                String reason = "the start command exited with code " + code + " on " + t.pod(failedNode);
                finish(taskId, "FAILED", reason);
                return;
            }
            for (int i = 0; i < t.nodes; i++) {
                syncOutput(t, i);
            }
            finish(taskId, "SUCCEED", "");
        } catch (ApiException e) {
            finish(taskId, "FAILED", e.getMessage());
        } catch (IOException | UncheckedIOException e) {
            finish(taskId, "FAILED", "the platform could not run the task: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void finish(String taskId, String status, String reason) {
        emulator.update(taskId, r -> {
            if (!r.finished() && !r.status.equals("STOPPING")) {
                r.status = status;
                r.failureReason = reason;
                r.endTime = System.currentTimeMillis();
            }
        });
    }

    private boolean advance(String taskId, String from, String to) {
        sleep();
        return emulator.update(taskId, r -> {
            if (r.status.equals(from)) {
                r.status = to;
            }
        }).status.equals(to);
    }

    /** The code package into {@code opt/ml/code}, each COS input into its mapping path, an empty output folder. */
    private void prepare(TaskRecord t, int index) throws IOException {
        Path ml = optMl(t, index);
        Files.createDirectories(ml.resolve("output"));
        Files.createDirectories(ml.resolve("model"));
        if (t.codeBucket != null) {
            copyPrefix(t.codeBucket, t.codePath, ml.resolve("code"));
        } else {
            Files.createDirectories(ml.resolve("code"));
        }
        for (TaskRecord.DataMapping d : t.data) {
            String mapping = d.mappingPath().replaceFirst("^/opt/ml/?", "");
            Path target = mapping.startsWith("/") ? ml.resolve(mapping.substring(1)) : ml.resolve(mapping);
            copyPrefix(d.bucket(), d.path(), target);
        }
    }

    private void copyPrefix(String bucket, String prefix, Path target) throws IOException {
        String p = prefix == null ? "" : prefix.replaceFirst("^/", "");
        List<CosStore.ObjectInfo> objects = cos.list(bucket, p);
        if (objects.isEmpty()) {
            throw new ApiException("FailedOperation", "the COS path cos://" + bucket + "/" + p + " holds no data");
        }
        for (CosStore.ObjectInfo o : objects) {
            String rel = o.key().substring(p.length()).replaceFirst("^/", "");
            Path dest = (rel.isEmpty() ? target.resolve(Path.of(o.key()).getFileName().toString()) : target.resolve(rel)).normalize();
            Files.createDirectories(dest.getParent());
            Files.copy(cos.file(bucket, o.key()), dest, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Process launch(TaskRecord t, int index) throws IOException {
        Path ml = optMl(t, index);
        Map<String, String> env = new LinkedHashMap<>();
        Catalog.Spec spec = Catalog.SPECS.get(t.spec);
        env.put("NODE_NUM", String.valueOf(t.nodes));
        env.put("INDEX", String.valueOf(index));
        env.put("GPU_NUM_PER_NODE", String.valueOf(spec == null ? 0 : spec.gpus()));
        env.put("CHIEF_IP", "127.0.0.1");
        env.put("FASTGPU_OPT_ML", ml.toString());
        env.put("TI_TASK_ID", t.id);
        env.put("TENCENTCLOUD_REGION", t.region);
        env.put("TENCENTCLOUD_SECRET_ID", t.roleSecretId);
        env.put("TENCENTCLOUD_SECRET_KEY", t.roleSecretKey);
        env.put("TIONE_ENDPOINT", emulator.endpoint());
        String pod = t.pod(index);
        Path log = log(t.id, pod);
        Files.createDirectories(log.getParent());
        Path raw = log.resolveSibling(pod + ".raw");
        Files.deleteIfExists(raw);
        Files.createFile(raw);
        Process p = machines.spawn(pod, pod, t.startCmd, ml.resolve("code"), env, raw);
        threads.execute(() -> stamp(raw, log, p));
        return p;
    }

    /** Follows the node's raw output and writes each line with the time it was seen. */
    private void stamp(Path raw, Path log, Process p) {
        try (InputStream in = Files.newInputStream(raw);
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
             Writer w = Files.newBufferedWriter(log, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                     StandardOpenOption.APPEND)) {
            StringBuilder partial = new StringBuilder();
            while (true) {
                boolean alive = p.isAlive();
                int c;
                boolean any = false;
                while (r.ready() && (c = r.read()) >= 0) {
                    any = true;
                    if (c == '\n') {
                        w.write(System.currentTimeMillis() + "\t" + partial + "\n");
                        partial.setLength(0);
                    } else {
                        partial.append((char) c);
                    }
                }
                if (any) {
                    w.flush();
                }
                if (!alive) {
                    if (!partial.isEmpty()) {
                        w.write(System.currentTimeMillis() + "\t" + partial + "\n");
                    }
                    w.flush();
                    return;
                }
                Thread.sleep(50);
            }
        } catch (IOException e) {
            // the log folder went away with the task
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void syncOutput(TaskRecord t, int index) throws IOException {
        Path out = optMl(t, index).resolve("output");
        if (!Files.isDirectory(out)) {
            return;
        }
        String base = t.outputPath == null ? "" : t.outputPath.replaceFirst("^/", "");
        if (!base.isEmpty() && !base.endsWith("/")) {
            base += "/";
        }
        try (Stream<Path> files = Files.walk(out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String key = base + t.id + "/" + out.relativize(f).toString().replace('\\', '/');
                try (InputStream in = Files.newInputStream(f)) {
                    cos.put(t.outputBucket, key, in);
                }
            }
        }
    }

    private void sleep() {
        try {
            Thread.sleep(emulator.config().latency().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
