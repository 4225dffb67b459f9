package io.fastgpu.provider.aliyun;

import io.fastgpu.api.InstanceState;

/** The ECS status words in our terms; anything else is {@link InstanceState#UNRECOGNIZED}, never an error. */
final class InstanceStates {
    private InstanceStates() { }

    static InstanceState of(String status) {
        return switch (status == null ? "" : status) {
            case "Pending" -> InstanceState.PENDING;
            case "Starting" -> InstanceState.STARTING;
            case "Running" -> InstanceState.RUNNING;
            case "Stopping" -> InstanceState.STOPPING;
            case "Stopped" -> InstanceState.STOPPED;
            default -> InstanceState.UNRECOGNIZED;
        };
    }
}
