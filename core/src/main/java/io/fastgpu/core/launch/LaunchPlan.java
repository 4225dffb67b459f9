package io.fastgpu.core.launch;

import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.launch.step.LaunchStep;
import io.fastgpu.core.runtime.MachinePlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A launch decided but not started: the job, what making its machines takes and costs, and the steps in
 * order. Making it changes nothing anywhere, so it can be printed ({@code fastgpu launch --dry-run}) and
 * the user asked about the cost before {@link Launcher#launch(LaunchPlan, boolean)} carries it out.
 *
 * @param job      the validated job file, with the command line's overrides
 * @param after    what happens to the machines at the end ({@code keep} when the user said so)
 * @param outRoot  where the run's download folder is made
 * @param machines the machine plan (reuse, start, buy, price)
 * @param steps    provision, setup, upload, each job step, download, after
 */
public record LaunchPlan(JobFile job, JobFile.After after, Path outRoot, MachinePlan machines, List<LaunchStep> steps) {
    public LaunchPlan {
        steps = List.copyOf(steps);
    }

    /** True when carrying it out costs money the user has not agreed to yet. */
    public boolean needsConsent() { return machines.needsConsent(); }

    /** The question to ask before {@link Launcher#launch(LaunchPlan, boolean)}, when {@link #needsConsent()}. */
    public String costQuestion() { return machines.costQuestion(); }

    /** The plan in words, for a dry run: the machines, then each step. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        lines.add("Plan of run " + job.runName() + " (job " + job.name() + ", " + job.machines() + " machine(s) on "
                + job.backend() + "):");
        machines.describe().forEach(l -> lines.add("  " + l));
        int n = 1;
        for (LaunchStep s : steps) {
            lines.add(String.format(java.util.Locale.ROOT, "  %2d. %-14s %s", n++, s.name(), s.describe()));
        }
        return lines;
    }
}
