package io.fastgpu.core.state;

import java.time.Instant;
import java.util.Map;

/**
 * One registered version of a model: {@code name:v<version>}, its file's checksum and where it came from.
 *
 * @param name        the model's name, e.g. {@code gesture}
 * @param version     1, 2, ... in the order registered
 * @param runId       the run whose output it is, or null when registered from a plain file
 * @param runName     that run's name, or empty
 * @param jobHash     the sha256 of that run's job file, or empty when not known
 * @param gitCommit   the commit of the job's code when it was in a git repository, or empty
 * @param metrics     the run's final value of each metric
 * @param size        the file's size in bytes
 * @param sha256      the file's sha256, in hex: where it is stored, and how a download is checked
 * @param fileName    the file's name, which a download gives it back
 * @param framework   e.g. pytorch, or empty
 * @param description free text, or empty
 * @param source      where the file was taken from (a local path, or {@code task0.gtc-demo:GTC/save_model.pth})
 * @param createdAt   when it was registered
 */
public record ModelRecord(String name, int version, Long runId, String runName, String jobHash, String gitCommit,
                          Map<String, Double> metrics, long size, String sha256, String fileName, String framework,
                          String description, String source, Instant createdAt) {
    public ModelRecord {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        if (version < 0) throw new IllegalArgumentException("version must be at least 0, was " + version);
    }

    /** {@code name:vN}. */
    public String ref() { return name + ":v" + version; }
}
