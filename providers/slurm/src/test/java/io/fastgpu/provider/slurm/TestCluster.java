package io.fastgpu.provider.slurm;

import io.fastgpu.api.JobOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real Slurm cluster that {@code scripts/slurm.sh up 3} brings up on this machine (munged, slurmctld and
 * three slurmd), started once and reused by every test; tests skip, saying why, when it cannot run here.
 */
final class TestCluster {
    static final int NODES = 3;
    private static Path conf;
    private static String skip;

    private TestCluster() { }

    /** The cluster's {@code slurm.conf}, bringing it up first; skips the test when Slurm cannot run here. */
    static synchronized Path require() {
        if (conf == null && skip == null) start();
        assumeTrue(skip == null, skip);
        return conf;
    }

    private static void start() {
        Path script = repoRoot().resolve("scripts/slurm.sh");
        if (!"root".equals(System.getProperty("user.name"))) {
            skip = "Slurm's test cluster needs root (scripts/slurm.sh up " + NODES + ")";
            return;
        }
        Result up = run(List.of(script.toString(), "up", String.valueOf(NODES)), 240);
        if (up.rc != 0) {
            skip = "Slurm cannot run here: " + up.out.strip().replace('\n', ' ');
            return;
        }
        Result env = run(List.of(script.toString(), "env"), 30);
        for (String line : env.out.split("\n")) {
            if (line.startsWith("export SLURM_CONF=")) conf = Path.of(line.substring("export SLURM_CONF=".length()).strip());
        }
        if (conf == null) skip = "scripts/slurm.sh env named no SLURM_CONF";
    }

    record Result(int rc, String out) { }

    /** Runs a command with the cluster's configuration, and its output (stdout and stderr). */
    static Result run(List<String> command, int seconds) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (conf != null) pb.environment().put("SLURM_CONF", conf.toString());
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(124, "timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "interrupted");
        }
    }

    /** A Slurm command as an administrator would type it on the login node. */
    static String slurm(String... command) {
        Result r = run(List.of("bash", "-c", String.join(" ", command)), 60);
        if (r.rc != 0) throw new IllegalStateException(String.join(" ", command) + ": " + r.out);
        return r.out;
    }

    /** Every job in the queue (all users, pending or running), one line each. */
    static List<String> queue() {
        return slurm("squeue", "-h", "-o", "'%i %j %T'").lines().filter(l -> !l.isBlank()).toList();
    }

    /** Cancels every job of the queue: a test that failed midway must not leave nodes held for the next. */
    static void cancelAll() {
        if (conf == null) return;
        run(List.of("bash", "-c", "scancel --user=$(id -un)"), 30);
        for (int i = 0; i < 100 && !queue().isEmpty(); i++) sleep(100);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes cluster file {@code name} (on this machine as its login node) into {@code home/clusters}. */
    static Path writeCluster(Path home, String name, String extra) {
        Path c = require();
        try {
            Path f = home.resolve("clusters").resolve(name + ".yaml");
            Files.createDirectories(f.getParent());
            return Files.writeString(f, "local: true\nslurm_conf: " + c + "\nworkdir: " + home.resolve("work") + "\n" + extra);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Options for a job of {@code tasks} tasks on cluster {@code cluster}. */
    static JobOptions job(String name, String cluster, int tasks) {
        return JobOptions.builder(name).numTasks(tasks).backend(SlurmProvider.NAME)
                .backendOptions(Map.of(SlurmProvider.CLUSTER, cluster)).build();
    }

    static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts/slurm.sh"))) p = p.getParent();
        if (p == null) throw new IllegalStateException("scripts/slurm.sh not found above " + Path.of("").toAbsolutePath());
        return p;
    }
}
