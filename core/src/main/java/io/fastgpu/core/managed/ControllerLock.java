package io.fastgpu.core.managed;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.util.HeldFileLock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A managed run has one controller at a time: a lock file in the run's folder, held by the controller for its
 * life and released by the operating system however it ends (SIGKILL included), so a free lock on an unfinished
 * run means its controller is gone. Also taken briefly by {@code fastgpu cancel} when no controller runs.
 */
public final class ControllerLock implements AutoCloseable {
    private final HeldFileLock lock;

    private ControllerLock(HeldFileLock lock) { this.lock = lock; }

    /** Takes the lock, or empty when another process (or another holder in this one) has it. */
    static Optional<ControllerLock> tryTake(Path file) {
        try {
            return HeldFileLock.tryTake(file, String.valueOf(ProcessHandle.current().pid())).map(ControllerLock::new);
        } catch (IOException e) {
            throw new FastGpuException("cannot take the controller lock " + file + ": " + e.getMessage()
                    + "; check that the FastGPU home is writable");
        }
    }

    /** The pid written by whoever holds {@code file}, or -1. */
    static long holder(Path file) {
        try {
            return Long.parseLong(Files.readString(file).strip());
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() { lock.close(); }
}
