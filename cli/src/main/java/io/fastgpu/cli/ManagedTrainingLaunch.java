package io.fastgpu.cli;

import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.launch.TrainingTaskLaunch;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code fastgpu launch} on a managed training backend (TI-ONE): the plan and its cost question, then the
 * backend's upload, task, live logs and download. Ctrl-C (or SIGTERM) stops what is under way: an upload
 * creates no task, a created task is stopped before the process exits. The launch is recorded as a run, as any
 * launch is ({@code fastgpu logs RUN}, {@code fastgpu metrics RUN}, the dashboard, {@code register:}).
 */
final class ManagedTrainingLaunch {
    private static final long STOP_GRACE_SECONDS = 90;
    private final CliContext ctx;

    ManagedTrainingLaunch(CliContext ctx) { this.ctx = ctx; }

    int run(io.fastgpu.core.spi.Provider provider, ManagedTraining managed, JobFile job, Path outDir, boolean yes, boolean dryRun,
            boolean overBudget) {
        ManagedTraining.Plan plan = managed.plan(job);
        if (dryRun) {
            plan.describe().forEach(ctx.out()::println);
            ctx.out().println("Dry run: nothing was uploaded, created or changed.");
            return 0;
        }
        if (!overBudget) {
            // The task's nodes at the platform's price, for its max_duration (else an hour), against the monthly budget.
            double hourly = provider.capabilities().facet(io.fastgpu.core.spi.facet.Pricing.class)
                    .map(p -> p.hourlyPrice(job.resources(), job.machines())).orElse(0.0);
            io.fastgpu.core.cost.MonthlyBudget.check(ctx.fastGpu(), hourly, job.costGuard().maxDuration(), "training task of job " + job.name());
        }
        if (!yes && !ctx.confirm(plan.costQuestion(), false)) {
            ctx.err().println("not confirmed: nothing was created; pass --yes to agree to the cost");
            return 1;
        }
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            interrupted.set(true);
            try {
                done.await(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fastgpu-managed-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        TrainingTaskLaunch.Result r;
        try {
            r = new TrainingTaskLaunch(ctx.fastGpu(), managed).launch(plan, outDir, line -> {
                ctx.out().println(line);
                ctx.out().flush();
            }, interrupted);
        } finally {
            ctx.out().flush();
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running and sees 'done'
            }
        }
        ctx.renderer().finish();
        Style s = ctx.style();
        ManagedTraining.Outcome o = r.outcome();
        String logs = "'fastgpu logs " + r.runName() + "' shows its output again";
        if (r.ok()) {
            ctx.out().println("Training task " + o.taskId() + " succeeded. Downloads are in " + o.outDir() + "; " + logs + ".");
            ctx.out().flush();
            return 0;
        }
        if (interrupted.get()) {
            ctx.err().println(s.red("interrupted: ") + r.failure() + "; " + logs);
            ctx.err().flush();
            return 130;
        }
        ctx.err().println(s.red("error: ") + r.failure());
        if (!o.lastLines().isEmpty()) {
            ctx.err().println("last lines of its output:");
            o.lastLines().forEach(l -> ctx.err().println("  " + l));
        }
        ctx.err().flush();
        return 1;
    }
}
