package io.fastgpu.core.util;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.JobFailedException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;

/** Runs one operation on many tasks at once; failures become data, successes are kept. */
public final class Parallel {
    private Parallel() { }

    /** A per-item result: a value or the failure. */
    public record Outcome<T, R>(T item, R value, RuntimeException error) {
        public boolean ok() { return error == null; }
    }

    public static <T, R> List<Outcome<T, R>> each(List<T> items, Function<T, R> op) {
        if (items.isEmpty()) return List.of();
        if (items.size() == 1) {
            return List.of(attempt(items.get(0), op));
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(items.size(), 64), r -> {
            Thread t = new Thread(r, "fastgpu-task");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Outcome<T, R>>> futures = new ArrayList<>();
            for (T item : items) futures.add(pool.submit(() -> attempt(item, op)));
            List<Outcome<T, R>> outcomes = new ArrayList<>();
            for (Future<Outcome<T, R>> f : futures) {
                try {
                    outcomes.add(f.get());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new FastGpuException("interrupted", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Like {@link #each} but throws {@link JobFailedException} naming each failed item when any failed. */
    public static <T, R> List<R> all(String operation, List<T> items, Function<T, String> nameOf, Function<T, R> op) {
        List<Outcome<T, R>> outcomes = each(items, op);
        List<JobFailedException.TaskFailure> failures = outcomes.stream().filter(o -> !o.ok())
                .map(o -> new JobFailedException.TaskFailure(nameOf.apply(o.item()), o.error())).toList();
        if (!failures.isEmpty()) {
            throw new JobFailedException(operation, failures);
        }
        return outcomes.stream().map(Outcome::value).toList();
    }

    private static <T, R> Outcome<T, R> attempt(T item, Function<T, R> op) {
        try {
            return new Outcome<>(item, op.apply(item), null);
        } catch (RuntimeException e) {
            return new Outcome<>(item, null, e);
        }
    }
}
