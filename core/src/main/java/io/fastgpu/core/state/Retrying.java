package io.fastgpu.core.state;

import io.fastgpu.api.FastGpuException;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Runs database work again, after a short random pause, while SQLite reports the database busy: another process
 * held the write lock past the busy timeout. Any other failure, or a database still busy after the last attempt,
 * becomes a one-line {@link FastGpuException} (see {@link StateDatabaseErrors}).
 */
final class Retrying {
    static final int ATTEMPTS = 4;

    /** A unit of database work. */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    private Retrying() { }

    /** Runs {@code work} on state database {@code file} up to {@link #ATTEMPTS} times while it finds it busy. */
    static <T> T run(Path file, Work<T> work) {
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (SQLException e) {
                if (!StateDatabaseErrors.isBusy(e) || attempt == ATTEMPTS) {
                    throw StateDatabaseErrors.of(file, e, Duration.ofNanos(System.nanoTime() - start));
                }
                pause(file, attempt);
            }
        }
    }

    /** Sleeps a random 10-50 ms per attempt so that retrying processes do not collide again. */
    private static void pause(Path file, int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50) * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted while waiting for state database " + file, e);
        }
    }
}
