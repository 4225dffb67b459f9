package io.fastgpu.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code fastgpu ARGS} as a process of its own, run to its end, with stdout and stderr kept apart: what a user's
 * shell sees, with or without the resident agent ({@code FASTGPU_AGENT} in the environment given).
 */
final class ForkedRun {
    private ForkedRun() { }

    static Cli.Result run(Path workDir, Map<String, String> env, String... args) {
        List<String> cmd = ForkedCli.command();
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("fastgpu-out", ".txt");
            Path err = Files.createTempFile("fastgpu-err", ".txt");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                        .redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().clear();
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("fastgpu " + String.join(" ", args) + " did not end in 120 s");
                }
                return new Cli.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
