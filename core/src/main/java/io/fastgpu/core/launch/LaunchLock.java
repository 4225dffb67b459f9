package io.fastgpu.core.launch;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.util.HeldFileLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A job is launched by one process at a time: a lock file per job in the FastGPU home, held for the
 * whole launch and released by the operating system when the process ends, however it ends. The file
 * says who holds it (pid, since when), so the second launch names the first.
 */
final class LaunchLock implements AutoCloseable {
    /** Jobs being launched by this process (a file lock cannot be taken twice in one JVM). */
    private static final Set<String> HELD_HERE = ConcurrentHashMap.newKeySet();

    private final String key;
    private final HeldFileLock lock;

    private LaunchLock(String key, HeldFileLock lock) {
        this.key = key;
        this.lock = lock;
    }

    private static Path file(Path home, String job) { return home.resolve("locks").resolve(job + ".launch.lock"); }

    /** Takes the job's launch lock, or fails with one line naming the process that holds it. */
    static LaunchLock acquire(Path home, String job) {
        Path f = file(home, job);
        String key = f.toAbsolutePath().normalize().toString();
        if (!HELD_HERE.add(key)) throw busy(job, f);
        try {
            Optional<HeldFileLock> l = HeldFileLock.tryTake(f, ProcessHandle.current().pid() + " " + Instant.now().toEpochMilli());
            if (l.isEmpty()) {
                HELD_HERE.remove(key);
                throw busy(job, f);
            }
            return new LaunchLock(key, l.get());
        } catch (IOException e) {
            HELD_HERE.remove(key);
            throw new FastGpuException("cannot take the launch lock of job " + job + " (" + f + "): " + e.getMessage()
                    + "; check that the FastGPU home is writable");
        }
    }

    /** Fails like {@link #acquire} would when the job is being launched now; changes nothing. */
    static void checkFree(Path home, String job) {
        try (LaunchLock l = acquire(home, job)) {
            // free: released at once
        } catch (Busy e) {
            throw e;
        } catch (FastGpuException e) {
            // an unwritable home is reported when the launch really starts
        }
    }

    /** The job is being launched by another process (or another launch in this one). */
    private static final class Busy extends FastGpuException {
        Busy(String message) { super(message); }
    }

    private static Busy busy(String job, Path f) {
        String who = "another process";
        try {
            String[] p = Files.readString(f).strip().split(" ");
            String since = LocalDateTime.ofInstant(Instant.ofEpochMilli(Long.parseLong(p[1])), ZoneId.systemDefault())
                    .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
            who = "process " + p[0] + " (since " + since + ")";
        } catch (IOException | RuntimeException e) {
            // the holder has not written its name yet
        }
        return new Busy("job " + job + " is being launched by " + who + "; a job is launched by one process"
                + " at a time: wait for it ('fastgpu logs " + job + " -f' follows it) or end it first");
    }

    @Override
    public void close() {
        try {
            lock.close();
        } finally {
            HELD_HERE.remove(key);
        }
    }
}
