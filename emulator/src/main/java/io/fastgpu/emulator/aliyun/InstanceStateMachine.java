package io.fastgpu.emulator.aliyun;

import java.time.Duration;
import java.time.Instant;

/**
 * The ECS instance state machine. An instance stores the last transition it was commanded and when
 * that began; the status a caller sees is evaluated from those timestamps whenever someone looks,
 * so no timer threads are needed:
 * Pending → Starting → Running (first boot), Stopped → Starting → Running (start),
 * Running → Stopping → Stopped (stop). Release removes the instance. A spot reclaim stops it at once
 * and locks it ({@code Recycling}); a locked instance can then only be released.
 */
final class InstanceStateMachine {
    static final String PENDING = "Pending";
    static final String STARTING = "Starting";
    static final String RUNNING = "Running";
    static final String STOPPING = "Stopping";
    static final String STOPPED = "Stopped";
    /** The OperationLocks reason of an instance the cloud is taking back. */
    static final String RECYCLING = "Recycling";

    private final Duration bootLatency;
    private final Duration stopLatency;

    InstanceStateMachine(Duration bootLatency, Duration stopLatency) {
        this.bootLatency = bootLatency;
        this.stopLatency = stopLatency;
    }

    /** The status a caller sees at {@code now}. */
    String statusAt(InstanceRecord instance, Instant now) {
        Duration elapsed = Duration.between(Instant.parse(instance.statusSince()), now);
        return switch (instance.status()) {
            // A new instance spends the first half of its boot in Pending (being placed), the rest Starting.
            case PENDING -> elapsed.compareTo(bootLatency.dividedBy(2)) < 0 ? PENDING
                    : elapsed.compareTo(bootLatency) < 0 ? STARTING : RUNNING;
            case STARTING -> elapsed.compareTo(bootLatency) < 0 ? STARTING : RUNNING;
            case STOPPING -> elapsed.compareTo(stopLatency) < 0 ? STOPPING : STOPPED;
            default -> instance.status();
        };
    }

    /** The status StartInstances ({@code start}) or StopInstances needs an instance to show. */
    static String requiredFor(boolean start) {
        return start ? STOPPED : RUNNING;
    }

    /** Whether StartInstances ({@code start}) or StopInstances may move the instance now. */
    boolean canChange(InstanceRecord instance, boolean start, Instant now) {
        return instance.lockReason() == null && requiredFor(start).equals(statusAt(instance, now));
    }

    /** The instance entering Starting ({@code start}) or Stopping at {@code now}. */
    static InstanceRecord change(InstanceRecord instance, boolean start, Instant now) {
        return instance.withStatus(start ? STARTING : STOPPING, now.toString());
    }

    /** Whether DeleteInstances may release the instance: only a stopped one, unless forced. */
    boolean canRelease(InstanceRecord instance, boolean force, Instant now) {
        return force || STOPPED.equals(statusAt(instance, now));
    }

    /** The instance as the cloud leaves one it reclaims: stopped at {@code now} and locked. */
    static InstanceRecord reclaimed(InstanceRecord instance, Instant now) {
        return instance.withStatus(STOPPED, now.toString()).withLockReason(RECYCLING);
    }
}
