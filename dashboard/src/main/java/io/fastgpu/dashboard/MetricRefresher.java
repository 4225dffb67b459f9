package io.fastgpu.dashboard;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.metrics.RunMetrics;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.state.RunRecord;

/**
 * Brings a running run's newest metric points into the state store while its page is open: the points a script
 * keeps on its machines (its metrics files) are otherwise collected only by its launch, or when a command next looks.
 */
public interface MetricRefresher {
    /** Collects what the run's machines hold that the store lacks; never throws. */
    void refresh(RunRecord run);

    /** Collects nothing: the points arrive in the store by other means. */
    MetricRefresher NONE = run -> { };

    /** Collects as {@code fastgpu metrics} does; a machine that cannot be read now is read next time. */
    static MetricRefresher collecting(FastGpu fastGpu) {
        RunMetrics metrics = new RunMetrics(fastGpu);
        return run -> {
            try {
                metrics.collect(run);
            } catch (FastGpuException e) {
                // the page keeps showing what is stored; the next refresh tries again
            }
        };
    }
}
