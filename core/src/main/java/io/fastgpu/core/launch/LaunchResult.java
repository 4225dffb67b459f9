package io.fastgpu.core.launch;

import io.fastgpu.core.job.JobFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a launch did.
 *
 * @param runId     the run's id in the state store
 * @param jobName   the job
 * @param runName   the run name
 * @param logdir    the run's log folder on the machines
 * @param tasks     the machines' names
 * @param timings   each phase in order
 * @param total     wall time of the whole launch
 * @param outDir    where downloads went, or null
 * @param after     what was done with the machines
 * @param failure   the error that ended the launch early, or null when it succeeded
 */
public record LaunchResult(long runId, String jobName, String runName, String logdir, List<String> tasks,
                           List<PhaseTiming> timings, Duration total, Path outDir, JobFile.After after,
                           RuntimeException failure) {
    public boolean ok() { return failure == null; }

    /** True when the launch was cut short by Ctrl-C or SIGTERM. */
    public boolean interrupted() { return failure instanceof LaunchInterruptedException; }

    /** False when applying {@code after} (stop, kill) was tried and failed: the machines may still be running. */
    public boolean afterApplied() {
        return after == JobFile.After.KEEP || timings.stream().filter(t -> t.phase().equals(after.label())).allMatch(PhaseTiming::ok);
    }
}
