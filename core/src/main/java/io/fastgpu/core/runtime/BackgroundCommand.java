package io.fastgpu.core.runtime;

import io.fastgpu.api.CommandTimeoutException;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.RunHandle;

import java.time.Duration;
import java.util.OptionalInt;

/** A non-blocking command, found by the files its runner keeps on the machine (pid, exit code, log). */
final class BackgroundCommand implements RunHandle {
    private final TaskRuntime task;
    private final String id;
    private final String logFile;
    private final String base;

    BackgroundCommand(TaskRuntime task, String id, String logFile, String base) {
        this.task = task;
        this.id = id;
        this.logFile = logFile;
        this.base = base;
    }

    @Override public String taskName() { return task.name(); }
    @Override public String id() { return id; }
    @Override public String logFile() { return logFile; }

    private String status() {
        return task.runRaw(ShellScripts.status(base + ".pid", base + ".exit")).stdout().strip();
    }

    @Override
    public OptionalInt exitCode() {
        String s = status();
        return s.startsWith("exit:") ? OptionalInt.of(Integer.parseInt(s.substring(5).strip())) : OptionalInt.empty();
    }

    @Override
    public boolean isRunning() {
        String s = status();
        // The runner writes its pid first thing; a command detached a moment ago may not have yet.
        return s.equals("running") || (s.equals("gone") && !task.exists(base + ".pid"));
    }

    @Override
    public int await(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long sleep = 20;
        int goneSeen = 0;
        while (true) {
            String s = status();
            if (s.startsWith("exit:")) return Integer.parseInt(s.substring(5).strip());
            if (s.equals("gone") && task.exists(base + ".pid") && ++goneSeen > 2) {
                throw new FastGpuException(task.name() + ": background command " + id
                        + " ended without an exit code (its machine was stopped?); see " + logFile);
            }
            if (System.nanoTime() > deadline) {
                throw new CommandTimeoutException(task.name(), "waiting for " + id, timeout);
            }
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new FastGpuException("interrupted while waiting for " + id, e);
            }
            sleep = Math.min(sleep * 2, 1000);
        }
    }

    @Override
    public String output() {
        return task.exists(logFile) ? task.read(logFile) : "";
    }

    @Override
    public String toString() { return task.name() + ":" + id; }
}
