package io.fastgpu.core.state;

import java.time.Instant;

/**
 * A job FastGPU has launched on a backend.
 *
 * @param name      the job's name
 * @param backend   the backend it was launched on
 * @param numTasks  its number of tasks at the last launch
 * @param createdAt when it was first recorded
 * @param updatedAt when it was last recorded
 */
public record JobRecord(String name, String backend, int numTasks, Instant createdAt, Instant updatedAt) { }
