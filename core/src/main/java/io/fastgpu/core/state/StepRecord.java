package io.fastgpu.core.state;

import java.time.Instant;

/**
 * One step (a launch phase or a command) of a run.
 *
 * @param id            the store's id for the step
 * @param runId         the run it belongs to
 * @param seq           its position in the run, from 1
 * @param name          its name
 * @param startedAt     when it started
 * @param finishedAt    when it finished, or {@code null} while running
 * @param exitCode      its exit code, or {@code null} while running
 * @param elapsedMillis how long it took, or {@code null} while running
 */
public record StepRecord(long id, long runId, int seq, String name, Instant startedAt, Instant finishedAt,
                         Integer exitCode, Long elapsedMillis) { }
