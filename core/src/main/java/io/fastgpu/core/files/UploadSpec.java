package io.fastgpu.core.files;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a job file's {@code upload} list.
 *
 * <p>Written as a plain path ({@code GTC}, {@code src/*.py}) it must lie inside the job folder and lands
 * under its own name, as {@link FileSelection#select(java.nio.file.Path, String)} places it. Written as
 * {@code {from: /data/set, to: data}} it may come from anywhere on this machine, on purpose, and lands at
 * {@code to} under the task's home.
 *
 * @param from the local file, folder or glob
 * @param to   where it lands, relative to the task's home; null for a plain path
 */
public record UploadSpec(String from, String to) {
    public UploadSpec {
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("upload path is empty; name a file, a folder or a glob pattern");
        }
        if (to != null) {
            to = to.strip();
            if (to.isEmpty()) {
                throw new IllegalArgumentException("upload {from: " + from + "}: 'to' is empty; name where it lands under "
                        + "the task's home, e.g. 'to: data'");
            }
            if (to.startsWith("/") || to.startsWith("~")) {
                throw new IllegalArgumentException("upload {from: " + from + ", to: " + to + "}: 'to' must be relative to "
                        + "the task's home, e.g. 'to: data'");
            }
            if (Arrays.asList(to.split("/")).contains("..")) {
                throw new IllegalArgumentException("upload {from: " + from + ", to: " + to + "}: 'to' contains '..'; name a "
                        + "place under the task's home");
            }
        }
    }

    /** A plain path, which must lie inside the job folder. */
    public static UploadSpec inJobFolder(String path) {
        return new UploadSpec(path, null);
    }

    /** Whether this entry names its source and destination itself ({@code {from:, to:}}). */
    public boolean explicit() {
        return to != null;
    }

    /** The destination with '.' segments and repeated slashes removed; "" for the home itself. */
    String destination() {
        Objects.requireNonNull(to);
        return Arrays.stream(to.split("/")).filter(s -> !s.isEmpty() && !s.equals("."))
                .reduce((a, b) -> a + "/" + b).orElse("");
    }

    /** As written in the job file. */
    @Override
    public String toString() {
        return to == null ? from : "{from: " + from + ", to: " + to + "}";
    }
}
