package io.fastgpu.core.state;

import java.time.Instant;

/**
 * One span of a machine's life as the state store remembers it: running (charged as the instance type's hourly price)
 * or stopped (in a cloud, only its disks are charged), from {@code since} until {@code until}.
 *
 * @param backend      the backend that owns the machine
 * @param instanceId   the provider's id of the machine
 * @param name         its name when the span began, e.g. {@code task0.train}
 * @param job          the job it belongs to (its {@code fastgpu:job} tag, else what its name says)
 * @param instanceType its instance type
 * @param spot         bought as a spot instance
 * @param nodes        how many nodes it stands for (a managed task's), 1 for a plain machine
 * @param state        {@link #RUNNING} or {@link #STOPPED}
 * @param since        when the span began
 * @param until        when it ended, or {@code null} while it lasts
 * @param diskGb       the machine's GiB of disk ({@code fastgpu:disk_gb}), 0 when not known
 */
public record UsageSpan(String backend, String instanceId, String name, String job, String instanceType, boolean spot,
                        int nodes, String state, Instant since, Instant until, int diskGb) {
    public static final String RUNNING = "running";
    public static final String STOPPED = "stopped";

    /** Hours of this span within {@code [from, to)}; an open span lasts until {@code to}. */
    public double hoursWithin(Instant from, Instant to) {
        Instant start = since.isAfter(from) ? since : from;
        Instant end = until == null || until.isAfter(to) ? to : until;
        return end.isAfter(start) ? (end.toEpochMilli() - start.toEpochMilli()) / 3_600_000.0 : 0;
    }
}
