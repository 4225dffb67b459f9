package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.managed.ManagedRun;
import io.fastgpu.core.managed.ManagedRuns;
import io.fastgpu.core.managed.ManagedState;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a managed run's controller: this program again ({@code fastgpu __controller RUN}), detached in a session
 * of its own (a closed terminal or a Ctrl-C does not reach it), with the command's environment, its output
 * appended to the run's {@code controller.log}. Also restarts the controllers of unfinished runs whose controller
 * is gone (killed), which any command does when it notices.
 */
final class ControllerSpawner {
    private ControllerSpawner() { }

    /** Starts the controller of {@code run}; returns its pid. */
    static long spawn(CliContext ctx, ManagedRun run, Path workDir) {
        List<String> cmd = new ArrayList<>();
        Path setsid = Path.of("/usr/bin/setsid");
        if (Files.isExecutable(setsid)) cmd.add(setsid.toString());
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xss1m", "-Xmx512m",
                "-cp", absoluteClassPath(), Main.class.getName(), ControllerCommand.NAME, run.name()));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile());
        pb.environment().clear();
        pb.environment().putAll(ctx.env());
        pb.environment().put("FASTGPU_HOME", ctx.home().toString());
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(run.controllerLog().toFile()));
        try {
            Files.createDirectories(run.dir());
            return pb.start().pid();
        } catch (IOException e) {
            throw new FastGpuException("could not start the controller of run " + run.name() + ": " + e.getMessage());
        }
    }

    /** This program's class path with absolute entries: the controller starts in the job's folder. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) entries.add(Path.of(e).toAbsolutePath().toString());
        }
        return String.join(File.pathSeparator, entries);
    }

    /**
     * Starts a controller for every unfinished run whose controller is gone; says so on {@code ctx.err()}.
     * Returns the runs it restarted. Never fails the command it runs for.
     */
    static List<String> recoverOrphans(CliContext ctx) {
        List<String> restarted = new ArrayList<>();
        if (!Files.isDirectory(ctx.home().resolve("managed"))) return restarted;
        try {
            for (ManagedRun r : new ManagedRuns(ctx.home()).orphaned()) {
                Path workDir;
                try {
                    workDir = Path.of(r.spec().workDir());
                } catch (RuntimeException e) {
                    continue; // nothing to carry on from
                }
                long pid = spawn(ctx, r, Files.isDirectory(workDir) ? workDir : ctx.workDir());
                String was = r.state().map(ManagedState::status).orElse("unknown");
                ctx.err().println("fastgpu: the controller of run " + r.name() + " (" + was + ") was gone; started a new one"
                        + " (pid " + pid + "), which carries on from the recorded state");
                restarted.add(r.name());
            }
        } catch (RuntimeException e) {
            ctx.err().println("fastgpu: could not check the managed runs: " + e.getMessage());
        }
        return restarted;
    }
}
