package io.fastgpu.core.runtime;

import java.util.List;

/** Looks at this machine's real processes, independently of the code under test. */
public final class Processes {
    private Processes() { }

    /** What a failure message needs to tell who {@code pids} are: command line, parent, session and marker. */
    public static String describe(List<Long> pids) {
        StringBuilder b = new StringBuilder();
        for (long pid : pids) {
            b.append("\n  ").append(pid).append(": ");
            try {
                String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
                String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                b.append("state ").append(after[0]).append(", parent ").append(after[1]).append(", session ").append(after[3]);
                b.append(", ").append(ProcessHandle.of(pid).flatMap(h -> h.info().commandLine()).orElse("?"));
                String env = new String(java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/" + pid + "/environ")));
                b.append(env.contains("FASTGPU_") ? ", marked" : ", environment cleared");
            } catch (java.io.IOException | RuntimeException e) {
                b.append("gone (").append(e.getMessage()).append(")");
            }
        }
        return b.toString();
    }

    /**
     * The processes whose command line contains {@code fragment} after up to {@code patience} for them to go: a process
     * killed a moment ago may still be on its way out (its exit not yet finished on a busy machine), which is not one
     * that keeps running.
     */
    public static List<Long> stillRunning(String fragment, java.time.Duration patience) {
        long end = System.nanoTime() + patience.toNanos();
        List<Long> left = withCommandLine(fragment);
        while (!left.isEmpty() && System.nanoTime() < end) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            left = withCommandLine(fragment);
        }
        return left;
    }

    public static List<Long> withCommandLine(String fragment) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().map(c -> c.contains(fragment)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
