package io.fastgpu.core.models;

import io.fastgpu.core.state.EventRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a run was made from: the sha256 of its job file and the git commit of the job's folder (empty when it is not
 * in a git repository or git is missing). A launch records it as the run's {@code source} event, so that a model
 * registered from the run later still names them.
 */
public record RunSource(String jobHash, String gitCommit) {
    /** The kind of the run event that holds it. */
    public static final String EVENT = "source";
    public static final RunSource UNKNOWN = new RunSource("", "");

    /** The source of a launch of the job file {@code jobFile}. */
    public static RunSource of(Path jobFile) {
        String hash = "";
        try {
            MessageDigest sha = ModelStore.sha256();
            hash = HexFormat.of().formatHex(sha.digest(Files.readAllBytes(jobFile)));
        } catch (IOException e) {
            // unreadable now: not known
        }
        return new RunSource(hash, gitCommit(jobFile.toAbsolutePath().getParent()));
    }

    /** The text of the run event. */
    public String eventText() { return "job_sha256=" + jobHash + " git_commit=" + gitCommit; }

    /** The source a run recorded, or {@link #UNKNOWN}. */
    public static RunSource from(List<EventRecord> events) {
        Optional<EventRecord> e = events.stream().filter(r -> EVENT.equals(r.kind())).reduce((a, b) -> b);
        if (e.isEmpty()) return UNKNOWN;
        String hash = "";
        String commit = "";
        for (String part : e.get().text().split(" ")) {
            if (part.startsWith("job_sha256=")) hash = part.substring(11);
            if (part.startsWith("git_commit=")) commit = part.substring(11);
        }
        return new RunSource(hash, commit);
    }

    /** {@code git rev-parse HEAD} in {@code folder}, or empty. */
    static String gitCommit(Path folder) {
        if (folder == null) return "";
        try {
            Process p = new ProcessBuilder("git", "-C", folder.toString(), "rev-parse", "--verify", "-q", "HEAD")
                    .redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return p.exitValue() == 0 && out.matches("[0-9a-f]{40,64}") ? out : "";
        } catch (IOException | RuntimeException e) {
            return ""; // no git
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
