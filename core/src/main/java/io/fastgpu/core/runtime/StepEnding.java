package io.fastgpu.core.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends one launch step's processes (those marked with {@link ProcessMarker#STEP}) on several tasks at once. The
 * tasks are asked side by side and waited for a bounded time: a machine that stopped answering holds none of the
 * others up, and its question is left to time out on its own.
 */
public final class StepEnding {
    /** How long the ending is waited for, all tasks together (the end script's TERM and KILL rounds fit well). */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private static final ExecutorService ENDS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fastgpu-step-end");
        t.setDaemon(true);
        return t;
    });

    private StepEnding() { }

    /**
     * Ends the step {@code marker} on each of {@code tasks}; returns the tasks that did not answer within
     * {@link #WAIT}, empty when all did.
     */
    public static List<TaskRuntime> end(Collection<TaskRuntime> tasks, String marker) {
        return end(tasks, marker, WAIT);
    }

    static List<TaskRuntime> end(Collection<TaskRuntime> tasks, String marker, Duration wait) {
        List<TaskRuntime> list = List.copyOf(tasks);
        List<Future<?>> ends = new ArrayList<>();
        for (TaskRuntime t : list) ends.add(ENDS.submit(() -> t.endMarked(ProcessMarker.STEP, marker)));
        long deadline = System.nanoTime() + wait.toNanos();
        List<TaskRuntime> open = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            try {
                ends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                open.add(list.get(i));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                open.addAll(list.subList(i, list.size()));
                break;
            }
        }
        return open;
    }
}
