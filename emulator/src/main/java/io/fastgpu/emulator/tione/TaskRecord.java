package io.fastgpu.emulator.tione;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One training task as the emulated account keeps it (a plain bean: it is saved as JSON). */
final class TaskRecord {
    /** A COS input: what lies under {@code bucket/path} is put at {@code mappingPath} on every node. */
    public record DataMapping(String bucket, String path, String mappingPath) {}

    public String id;
    public String name;
    public String region;
    public String spec;
    public int nodes;
    public String frameworkName;
    public String frameworkVersion;
    public String frameworkEnvironment;
    public String trainingMode;
    public String codeBucket;
    public String codePath;
    public List<DataMapping> data = new ArrayList<>();
    public String outputBucket;
    public String outputPath;
    public String startCmd;
    public String status;
    public long createTime;
    public long startTime;
    public long endTime;
    public String failureReason = "";
    /** The temporary key a task's nodes sign PushTrainingMetrics with (a task role's credential). */
    public String roleSecretId;
    public String roleSecretKey;
    public Map<String, String> tags = new LinkedHashMap<>();

    /** A task's pods are named {@code <id>-worker-<index>}. */
    String pod(int index) {
        return id + "-worker-" + index;
    }

    boolean finished() {
        return status.equals("SUCCEED") || status.equals("FAILED") || status.equals("STOPPED");
    }

    /** Seconds it has been (or was) running, as billed. */
    long runtimeSeconds(long now) {
        if (startTime == 0) {
            return 0;
        }
        return Math.max(0, ((endTime > 0 ? endTime : now) - startTime) / 1000);
    }
}
