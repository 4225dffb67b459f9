package io.fastgpu.core.state;

import java.time.Instant;

/**
 * One run of a job as the state store remembers it.
 *
 * @param id         the store's id for the run, unique and increasing
 * @param job        the job's name
 * @param runName    the run's name
 * @param backend    the backend it ran on
 * @param logdir     the run's log folder on the machines, e.g. {@code /ncluster/runs/gtc-demo.01}
 * @param localLog   the local copy of its log, or {@code null}
 * @param startedAt  when it started
 * @param finishedAt when it finished, or {@code null} while running; for a run whose launcher died without a word,
 *                   when it was last heard from
 * @param status     {@link #RUNNING}, {@link #SUCCEEDED}, {@link #FAILED} or {@link #INTERRUPTED}
 * @param exitCode   the exit code it finished with, or {@code null}
 */
public record RunRecord(long id, String job, String runName, String backend, String logdir, String localLog,
                        Instant startedAt, Instant finishedAt, String status, Integer exitCode) {
    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String INTERRUPTED = "interrupted";
}
