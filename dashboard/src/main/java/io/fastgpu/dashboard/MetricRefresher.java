package io.fastgpu.dashboard;

import io.fastgpu.core.state.RunRecord;

/**
 * Brings a running run's newest metric points into the state store while its page is open (the points a script
 * keeps on its machines are otherwise collected when a command next looks).
 */
public interface MetricRefresher {
    /** Collects what the run's machines hold that the store lacks; a failure is the caller's to ignore. */
    void refresh(RunRecord run);

    /** Collects nothing: the points arrive in the store by other means. */
    MetricRefresher NONE = run -> { };
}
