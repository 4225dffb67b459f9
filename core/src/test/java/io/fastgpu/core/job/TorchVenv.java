package io.fastgpu.core.job;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The PyTorch 2.x venv of {@code scripts/torch-venv.sh} for the tests of {@code launcher: torchrun}: made on first
 * use (about half a minute from a local wheel), then found in a few seconds. The test skips, saying why, where the
 * script cannot make one (it exits 3: no torch >= 2 to install).
 */
public final class TorchVenv {
    private static Path python;

    private TorchVenv() { }

    /** The venv's python, by its absolute path (on the file system the test hosts and nodes share). */
    public static synchronized Path python() throws IOException, InterruptedException {
        if (python != null) return python;
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("scripts/torch-venv.sh"))) dir = dir.getParent();
        assumeTrue(dir != null, "no scripts/torch-venv.sh above " + Path.of("").toAbsolutePath());
        Process p = new ProcessBuilder("bash", dir.resolve("scripts/torch-venv.sh").toString(), "path")
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("scripts/torch-venv.sh path did not finish in 5 minutes");
        }
        assumeTrue(p.exitValue() != 3, "no PyTorch >= 2 for the torchrun tests (scripts/torch-venv.sh exited 3; see its message)");
        if (p.exitValue() != 0) throw new IllegalStateException("scripts/torch-venv.sh path failed with exit code " + p.exitValue());
        python = Path.of(out);
        return python;
    }
}
