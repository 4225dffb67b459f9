package io.fastgpu.provider.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds and ends every process of a local instance. Each process the instance runs carries
 * {@code FASTGPU_INSTANCE_ID=<id>} in its environment, inherited by all its descendants, including those
 * that left the process group ({@code setsid}, {@code nohup}, a tmux server); so the environment, not the
 * process tree, says what belongs to the instance.
 */
final class ProcessReaper {
    static final String MARKER = "FASTGPU_INSTANCE_ID";

    private ProcessReaper() { }

    /** Pids whose environment names this instance; never this JVM or its ancestors. */
    static List<Long> find(String instanceId) {
        byte[] needle = (MARKER + "=" + instanceId).getBytes(StandardCharsets.UTF_8);
        Set<Long> spared = new HashSet<>();
        for (Optional<ProcessHandle> p = Optional.of(ProcessHandle.current()); p.isPresent(); p = p.get().parent()) {
            spared.add(p.get().pid());
        }
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : proc) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (!spared.contains(pid) && environContains(dir.resolve("environ"), needle)) pids.add(pid);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc: " + e.getMessage(), e);
        }
        return pids;
    }

    /** Ends them all: a polite TERM first, then KILL for whatever is left, until none remains. */
    static void killAll(String instanceId) {
        for (int round = 0; round < 50; round++) {
            List<Long> pids = find(instanceId);
            if (pids.isEmpty()) return;
            boolean force = round >= 3;
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(h -> {
                    if (force) h.destroyForcibly(); else h.destroy();
                });
            }
            sleep(round < 3 ? 100 : 50);
        }
        List<Long> left = find(instanceId);
        if (!left.isEmpty()) {
            throw new IllegalStateException("processes " + left + " of instance " + instanceId + " would not end");
        }
    }

    private static boolean environContains(Path environ, byte[] needle) {
        byte[] env;
        try {
            env = Files.readAllBytes(environ);
        } catch (IOException | SecurityException e) {
            return false; // gone meanwhile, or not ours to read
        }
        outer:
        for (int i = 0; i + needle.length <= env.length; i++) {
            if (i > 0 && env[i - 1] != 0) continue; // entries start after a NUL
            for (int j = 0; j < needle.length; j++) {
                if (env[i + j] != needle[j]) continue outer;
            }
            int end = i + needle.length;
            if (end == env.length || env[end] == 0) return true;
        }
        return false;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
