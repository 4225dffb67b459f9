package io.fastgpu.core.managed;

import io.fastgpu.api.FastGpuException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * A managed run has one controller at a time: a lock file in the run's folder, held by the controller for its
 * life and released by the operating system however it ends (SIGKILL included), so a free lock on an unfinished
 * run means its controller is gone. Also taken briefly by {@code fastgpu cancel} when no controller runs.
 */
public final class ControllerLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private ControllerLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Takes the lock, or empty when another process (or another holder in this one) has it. */
    static Optional<ControllerLock> tryTake(Path file) {
        try {
            Files.createDirectories(file.getParent());
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                return Optional.empty();
            }
            ch.truncate(0);
            ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return Optional.of(new ControllerLock(ch, l));
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
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // released by the operating system when the process ends anyway
        }
    }
}
