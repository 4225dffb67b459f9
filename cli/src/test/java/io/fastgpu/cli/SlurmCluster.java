package io.fastgpu.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real Slurm test cluster of {@code scripts/slurm.sh up 3}, for the CLI's Slurm tests: brought up once and
 * reused; tests skip, saying why, when Slurm cannot run here.
 */
final class SlurmCluster {
    private static Path conf;
    private static String skip;

    private SlurmCluster() { }

    static synchronized Path require() {
        if (conf == null && skip == null) {
            Path root = Path.of("").toAbsolutePath();
            while (root != null && !Files.isRegularFile(root.resolve("scripts/slurm.sh"))) root = root.getParent();
            if (root == null || !"root".equals(System.getProperty("user.name"))) {
                skip = "Slurm's test cluster needs root and scripts/slurm.sh";
            } else {
                String up = sh(root.resolve("scripts/slurm.sh") + " up 3 2>&1; echo rc=$?");
                if (!up.strip().endsWith("rc=0")) skip = "Slurm cannot run here: " + up.strip().replace('\n', ' ');
                else conf = Path.of(sh(root.resolve("scripts/slurm.sh") + " env | sed -n 's/^export SLURM_CONF=//p'").strip());
            }
        }
        assumeTrue(skip == null, skip);
        return conf;
    }

    /** Runs a shell command line with the cluster's configuration; its output. */
    static String sh(String command) {
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true);
            if (conf != null) pb.environment().put("SLURM_CONF", conf.toString());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** The jobs in the queue, one line each ({@code ID NAME STATE}). */
    static List<String> queue() { return sh("squeue -h -o '%i %j %T'").lines().filter(l -> !l.isBlank()).toList(); }

    /**
     * Cancels a job the test made itself and waits until Slurm no longer lists it (a cancelled job stays COMPLETING
     * while its processes end), so that the check after the test sees only what FastGPU left.
     */
    static void cancel(String jobId) {
        sh("scancel " + jobId);
        for (int i = 0; i < 300 && queue().stream().anyMatch(l -> l.startsWith(jobId + " ")); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static void cancelAll() {
        if (conf == null) return;
        sh("scancel --user=$(id -un)");
        for (int i = 0; i < 100 && !queue().isEmpty(); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Writes cluster file {@code name} into {@code home/clusters}, with this machine as its login node. */
    static void writeCluster(Path home, String name, String extra) throws IOException {
        Path c = require();
        Files.createDirectories(home.resolve("clusters"));
        Files.writeString(home.resolve("clusters/" + name + ".yaml"),
                "local: true\nslurm_conf: " + c + "\nworkdir: " + home.resolve("slurm-work") + "\n" + extra);
    }
}
