package io.fastgpu.core.state;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which process runs a launch, written as {@code bootId:pid:startMillis}, so that a run whose launcher died without
 * a word (SIGKILL, power loss) can be told from one still going. Only processes of this boot of this machine are
 * judged; a launcher recorded elsewhere is never taken for dead.
 */
final class LauncherProcess {
    private LauncherProcess() { }

    static String current() {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return bootId() + ":" + self.pid() + ":" + start;
    }

    /** True only when {@code launcher} names a process of this boot that no longer exists. */
    static boolean gone(String launcher) {
        if (launcher == null) return false;
        String[] p = launcher.split(":");
        if (p.length != 3 || p[0].isEmpty() || !p[0].equals(bootId())) return false;
        try {
            long pid = Long.parseLong(p[1]);
            long start = Long.parseLong(p[2]);
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) return true;
            // The pid may have been given to another process since: compare start times (to the second).
            long now = h.get().info().startInstant().map(java.time.Instant::toEpochMilli).orElse(start);
            return Math.abs(now - start) > 1000;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
