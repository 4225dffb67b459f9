package io.fastgpu.emulator.aliyun;

import java.time.Duration;
import java.time.Instant;

/**
 * The ECS instance state machine, evaluated from timestamps when someone looks:
 * Pending → Starting → Running (first boot), Stopped → Starting → Running (start),
 * Running → Stopping → Stopped (stop). Release removes the instance.
 */
final class InstanceLifecycle {
    static final String PENDING = "Pending";
    static final String STARTING = "Starting";
    static final String RUNNING = "Running";
    static final String STOPPING = "Stopping";
    static final String STOPPED = "Stopped";

    private final Duration bootLatency;
    private final Duration stopLatency;

    InstanceLifecycle(Duration bootLatency, Duration stopLatency) {
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
}
