package io.fastgpu.core.launch;

import io.fastgpu.core.job.JobFile;
import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.JobOptions;
import io.fastgpu.core.launch.step.AfterStep;
import io.fastgpu.core.launch.step.CommandStep;
import io.fastgpu.core.launch.step.DownloadStep;
import io.fastgpu.core.launch.step.GuardStep;
import io.fastgpu.core.launch.step.LaunchState;
import io.fastgpu.core.launch.step.LaunchStep;
import io.fastgpu.core.launch.step.MachinesStep;
import io.fastgpu.core.launch.step.RegisterStep;
import io.fastgpu.core.launch.step.SetupStep;
import io.fastgpu.core.launch.step.UploadStep;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.MachinePlan;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.state.JobRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Runs a job file end to end, in two halves: {@link #plan} decides everything without changing anything
 * (the machines to reuse, start or buy, the cost, the steps); {@link #launch(LaunchPlan, boolean)} carries
 * the plan out step by step, each step first checking whether its work is already done, and reports
 * everything as events: the console renders them, {@link RunRecorder} stores them, {@link RunLog} keeps
 * them in a file. {@code after} is applied whatever happens: a failure, an interrupt, a full disk.
 */
public final class Launcher {
    private final FastGpu fg;

    public Launcher(FastGpu fg) { this.fg = fg; }

    /**
     * The plan of a launch of {@code job}; changes nothing. Fails with one line when the job cannot be
     * launched as asked: an unknown backend, a launch of the same job in progress, machines of the job
     * that live on another backend or fleet, or what the provider's checks find.
     *
     * @param keep    leave the machines running whatever the job file says
     * @param outRoot where the run's download folder is made ({@code ./fastgpu-out} by default)
     */
    public LaunchPlan plan(JobFile job, boolean keep, Path outRoot) {
        try {
            fg.provider(job.backend());
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException(job.file() + ": " + e.getMessage()); // a job file error: nothing was started
        }
        LaunchLock.checkFree(fg.home(), job.name());
        refuseIfElsewhere(job);
        // 'nas: true' reaches the machines one way: as JobOptions.nas, which the provisioner hands to the provider.
        Map<String, String> backendOptions = new LinkedHashMap<>(job.backendOptions());
        boolean nas = "true".equals(backendOptions.remove("nas"));
        JobOptions options = JobOptions.builder(job.name()).runName(job.runName()).numTasks(job.machines())
                .backend(job.backend()).backendOptions(backendOptions).nas(nas).resources(job.resources())
                .installScript(job.setup()).build();
        MachinePlan machines = fg.planJob(options);
        refuseOtherFleet(job, machines);
        JobFile.After after = keep ? JobFile.After.KEEP : job.after();
        List<LaunchStep> steps = new ArrayList<>();
        steps.add(new MachinesStep());
        CostLimits limits = CostLimits.of(job, fg.provider(job.backend()));
        if (limits.idle() != null || limits.deadline() != null) steps.add(new GuardStep(limits));
        if (!job.setup().isBlank()) steps.add(new SetupStep());
        if (!job.upload().isEmpty()) steps.add(new UploadStep());
        for (JobFile.Step s : job.steps()) steps.add(new CommandStep(s));
        if (!job.download().isEmpty()) steps.add(new DownloadStep(outRoot));
        if (job.register() != null) steps.add(new RegisterStep(job.register(), outRoot));
        if (after != JobFile.After.KEEP) steps.add(new AfterStep(after));
        return new LaunchPlan(job, after, outRoot, machines, steps);
    }

    /** Plans and launches {@code job} on machines that cost nothing (or that the job file agreed to pay for). */
    public LaunchResult launch(JobFile job, boolean keep, Path outRoot) {
        return launch(plan(job, keep, outRoot), false);
    }

    /**
     * Carries out {@code plan}. {@code costConsent} is the user's answer to {@link LaunchPlan#costQuestion()};
     * without it a plan that costs money buys nothing and fails at its first step.
     */
    public LaunchResult launch(LaunchPlan plan, boolean costConsent) {
        JobFile job = plan.job();
        long start = System.nanoTime();
        Path localLog = fg.home().resolve("logs").resolve(job.runName() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")) + ".log");
        LaunchState state = new LaunchState(fg, job, plan.machines(), costConsent, Set.of());
        List<PhaseTiming> timings = new ArrayList<>();
        RuntimeException failure = null;
        int exitCode = 0;
        RunRecorder recorder = new RunRecorder(fg::state, fg.events());
        try (LaunchLock lock = LaunchLock.acquire(fg.home(), job.name());
             RunLog log = new RunLog(localLog, fg.events());
             AutoCloseable logged = fg.events().subscribe(log);
             AutoCloseable recorded = fg.events().subscribe(recorder);
             LaunchMetrics metrics = new LaunchMetrics(fg, state, recorder);
             AutoCloseable measured = fg.events().subscribe(metrics);
             InterruptGuard guard = InterruptGuard.install(state, plan.after(), fg.events())) {
            fg.events().on(new Event.RunStarted(job.name(), job.runName(), job.backend(), localLog.toString()));
            for (LaunchStep step : plan.steps()) {
                if ((failure != null || state.interrupted()) && !step.always()) continue;
                try {
                    Phases.run(fg.events(), step, state, timings);
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                        exitCode = step.exitCodeOf(e);
                    }
                }
            }
            if (state.interrupted()) {
                failure = new LaunchInterruptedException("launch interrupted; " + (plan.after() == JobFile.After.KEEP
                        ? "the machines keep running ('after: keep')" : "the machines got 'after: " + plan.after().label() + "'"));
                exitCode = 130;
            }
            Duration total = Duration.ofNanos(System.nanoTime() - start);
            String status = state.interrupted() ? "interrupted" : failure == null ? "succeeded" : "failed";
            fg.events().on(new Event.RunFinished(job.name(), job.runName(), status, exitCode,
                    failure == null ? "" : String.valueOf(failure.getMessage()), total));
            var rt = state.runtime();
            return new LaunchResult(recorder.runId(), job.name(), job.runName(), rt == null ? "" : rt.logdir(),
                    rt == null ? List.of() : rt.taskRuntimes().stream().map(TaskRuntime::name).toList(),
                    timings, total, job.download().isEmpty() || rt == null ? null : DownloadStep.folder(plan.outRoot(), rt),
                    plan.after(), failure);
        } catch (FastGpuException e) {
            throw e;
        } catch (Exception e) {
            throw new FastGpuException("launch of " + job.name() + " failed: " + e.getMessage(), e);
        } finally {
            state.finish();
        }
    }

    /** A job's machines live on one backend: launching it on another while they exist would make a second set. */
    private void refuseIfElsewhere(JobFile job) {
        List<JobRecord> recorded;
        try {
            recorded = fg.state().jobs();
        } catch (FastGpuException e) {
            return; // no readable state: nothing known elsewhere
        }
        Pattern task = Pattern.compile("task\\d+\\." + Pattern.quote(job.name()));
        for (JobRecord r : recorded) {
            if (!r.name().equals(job.name()) || r.backend().equals(job.backend())) continue;
            Provider other;
            try {
                other = fg.provider(r.backend());
                if (!other.configured()) continue;
                List<Instance> there = other.list().stream().filter(i -> task.matcher(i.name()).matches())
                        .filter(i -> i.state() != InstanceState.TERMINATED).toList();
                if (there.isEmpty()) continue;
                throw new InvalidSpecException("job " + job.name() + " already has machines on backend " + r.backend() + " ("
                        + String.join(", ", there.stream().map(i -> i.name() + " " + i.state().label()).toList())
                        + "), not " + job.backend() + ": launch it there (--backend " + r.backend()
                        + "), or release them first with 'fastgpu kill {" + job.name() + "}'");
            } catch (InvalidSpecException e) {
                if (e.getMessage().startsWith("job ")) throw e;
            } catch (FastGpuException e) {
                // that backend cannot be asked now: its machines, if any, are not in the way of this one
            }
        }
    }

    /** An ssh job holds hosts of one fleet; asking for another while it holds them would be silently ignored. */
    private static void refuseOtherFleet(JobFile job, MachinePlan machines) {
        String wanted = job.backendOptions().get("fleet");
        if (wanted == null) return;
        for (MachinePlan.Slot s : machines.slots()) {
            String held = s.existing().map(i -> i.tags().get(Tags.FLEET)).orElse(null);
            if (held != null && !held.equals(wanted)) {
                throw new InvalidSpecException(s.name() + " holds a host of fleet '" + held + "', not '" + wanted
                        + "': launch with --fleet " + held + ", or release it first with 'fastgpu kill {" + job.name() + "}'");
            }
        }
    }
}
