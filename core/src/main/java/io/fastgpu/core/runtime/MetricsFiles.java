package io.fastgpu.core.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a task's training metrics are kept on its machine: JSON lines in the run's log folder, one file per task,
 * restart and step ({@code metrics/task0.r0.training.jsonl}; the step's name percent-encoded), named in every step's
 * environment as {@code FASTGPU_METRICS_FILE}. The names say task, restart and step, so a collector needs nothing
 * else to file each point. Also the Python module {@code fastgpu.metrics} that appends to them.
 */
public final class MetricsFiles {
    /** The environment variable that names the file a step appends its metrics to. */
    public static final String ENV = "FASTGPU_METRICS_FILE";
    private static final Pattern NAME = Pattern.compile("task(\\d{1,5})\\.r(\\d{1,6})(?:\\.([A-Za-z0-9%_-]+))?\\.jsonl");

    private MetricsFiles() { }

    /** The file's task, restart and step ("" outside a job step). */
    public record Source(int task, int restart, String step) { }

    /** The folder of a run's metrics files. */
    public static String folder(String logdir) { return logdir + "/metrics"; }

    /** The file task {@code task} appends to in step {@code step} ("" for none) of restart {@code restart}. */
    public static String path(String logdir, int task, int restart, String step) {
        return folder(logdir) + "/task" + task + ".r" + restart + (step.isEmpty() ? "" : "." + encode(step)) + ".jsonl";
    }

    /** What a file's name says, or empty for a file that is not a metrics file. */
    public static Optional<Source> parse(String fileName) {
        Matcher m = NAME.matcher(fileName);
        if (!m.matches()) return Optional.empty();
        return Optional.of(new Source(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                m.group(3) == null ? "" : decode(m.group(3))));
    }

    /** Every byte but letters, digits, '_' and '-' as %XX: a step name may hold spaces, dots, slashes, any text. */
    static String encode(String step) {
        StringBuilder sb = new StringBuilder();
        for (byte b : step.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') sb.append(c);
            else sb.append('%').append(String.format("%02X", b & 0xff));
        }
        return sb.toString();
    }

    static String decode(String encoded) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length() && encoded.substring(i + 1, i + 3).matches("[0-9A-Fa-f]{2}")) {
                out.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The Python package {@code fastgpu} (with {@code fastgpu.metrics}): file name under the package folder to its text. */
    static Map<String, String> pythonModule() {
        Map<String, String> files = new LinkedHashMap<>();
        for (String f : new String[] {"__init__.py", "metrics.py"}) {
            try (InputStream in = MetricsFiles.class.getResourceAsStream("python/fastgpu/" + f)) {
                if (in == null) throw new IllegalStateException("python/fastgpu/" + f + " is missing from the jar");
                files.put(f, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
