package io.fastgpu.cli;

import io.fastgpu.core.cost.MonthlyBudget;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.launch.CostLimits;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.LaunchPlan;
import io.fastgpu.core.launch.LaunchResult;
import io.fastgpu.core.launch.Launcher;
import io.fastgpu.core.launch.ManagedLaunch;
import io.fastgpu.core.managed.ManagedRun;
import io.fastgpu.core.managed.ManagedRuns;
import io.fastgpu.core.managed.ManagedSpec;
import io.fastgpu.core.managed.ManagedState;
import io.fastgpu.core.launch.PhaseTiming;
import io.fastgpu.core.job.StepFailedException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fastgpu launch}: the one command from code to trained model. */
@Command(name = "launch", mixinStandardHelpOptions = true,
        description = {"Run a job file end to end: machines, setup, upload, steps, download, then stop.",
                "Creates or reuses the job's machines, streams each step's output, prints each phase's time,",
                "and applies the job file's 'after' (stop by default) even when a step fails."})
final class LaunchCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "FILE_OR_DIR", description = "A job file, or a folder with job.yaml in it.")
    Path jobPath;

    @Option(names = {"-y", "--yes"}, description = "Agree to the cost without asking.")
    boolean yes;

    @Option(names = "--keep", description = "Leave the machines running at the end, whatever 'after' says.")
    boolean keep;

    @Option(names = "--out", paramLabel = "DIR", description = "Where downloads go (default: ./fastgpu-out).")
    Path out;

    @Option(names = "--backend", paramLabel = "NAME", description = "Run on this backend instead of the job file's.")
    String backend;

    @Option(names = "--fleet", paramLabel = "NAME", description = "The ssh fleet to claim machines from.")
    String fleet;

    @Option(names = "--cluster", paramLabel = "NAME", description = "The Slurm cluster to run on (~/.fastgpu/clusters/NAME.yaml).")
    String cluster;

    @Option(names = "--machines", paramLabel = "N", description = "Use N machines instead of the job file's number.")
    Integer machines;

    @Option(names = "--managed", description = {"Hand the run to a controller that outlives this terminal and recovers"
            + " lost machines as the job's 'recovery' says; Ctrl-C then detaches ('fastgpu logs RUN -f' comes back)."})
    boolean managed;

    @Option(names = "--over-budget", description = "Launch even when the estimate would pass the monthly budget of config.yaml.")
    boolean overBudget;

    @Option(names = "--dry-run", description = "Print the plan (machines to reuse, start or buy, the cost, each step) and stop: nothing is bought or changed.")
    boolean dryRun;

    LaunchCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() throws java.io.IOException, InterruptedException {
        JobFile job = JobFileParser.parse(ctx.workDir().resolve(jobPath)).overridden(backend, fleet, machines);
        if (cluster != null) job = job.withBackendOption("cluster", cluster);
        Path outDir = out != null ? ctx.workDir().resolve(out) : ctx.workDir().resolve("fastgpu-out");
        OutputFolder.check(job, outDir, out != null);
        if (managed) job = job.withManaged(true);
        io.fastgpu.core.spi.Provider provider;
        try {
            provider = ctx.fastGpu().provider(job.backend());
        } catch (io.fastgpu.api.InvalidSpecException e) {
            throw new io.fastgpu.api.InvalidSpecException(job.file() + ": " + e.getMessage()); // a job file error: nothing was started
        }
        var training = provider.capabilities().facet(io.fastgpu.core.launch.ManagedTraining.class);
        if (training.isPresent()) return new ManagedTrainingLaunch(ctx).run(provider, training.get(), job, outDir, yes, dryRun, overBudget);
        if (job.managed()) ManagedLaunch.check(job);
        Launcher launcher = new Launcher(ctx.fastGpu());
        LaunchPlan plan = launcher.plan(job, keep, outDir);
        if (dryRun) {
            plan.describe().forEach(ctx.out()::println);
            if (job.managed()) ctx.out().println("Managed: a controller would run it" + (job.recovery().enabled()
                    ? ", restarting its distributed steps after a loss up to " + job.recovery().maxRestarts() + " times" : ""));
            ctx.out().println("Dry run: nothing was bought, started or changed.");
            return 0;
        }
        if (!overBudget && plan.machines().costsMoney() && plan.machines().toRun() > 0) {
            MonthlyBudget.check(ctx.fastGpu(), plan.machines().hourlyPrice(), CostLimits.of(job, provider).deadline(),
                    "launch of job " + job.name());
        }
        boolean consent = yes || !plan.needsConsent() || ctx.confirm(plan.costQuestion(), false);
        if (!consent) {
            ctx.err().println("not confirmed: nothing was created; pass --yes to agree to the cost");
            return 1;
        }
        if (job.managed()) return managed(job, plan, outDir);
        LaunchResult r = launcher.launch(plan, true);
        ctx.renderer().finish();
        report(r);
        if (r.ok()) return 0;
        Style s = ctx.style();
        if (r.interrupted()) {
            ctx.err().println(s.red("interrupted: ") + r.failure().getMessage() + "; 'fastgpu logs " + r.runName()
                    + "' shows what ran");
            return 130;
        }
        if (r.failure() instanceof StepFailedException f) {
            ctx.err().println(s.red("error: ") + f.getMessage());
            if (!f.outputTail().isBlank()) {
                ctx.err().println("last lines of its output:");
                f.outputTail().lines().skip(Math.max(0, f.outputTail().lines().count() - 10))
                        .forEach(l -> ctx.err().println("  " + l));
            }
        } else {
            ctx.err().println(s.red("error: ") + r.failure().getMessage());
        }
        return 1;
    }

    /** Hands the run to a controller of its own, then follows its output until it ends or Ctrl-C detaches. */
    private int managed(JobFile job, LaunchPlan plan, Path outDir) throws java.io.IOException, InterruptedException {
        var m = plan.machines();
        double hourly = !m.costsMoney() ? 0 : m.hourlyPrice() <= 0 || m.toRun() == 0 ? -1 : m.hourlyPrice() / m.toRun() * job.machines();
        ManagedSpec spec = new ManagedSpec(job.file().toAbsolutePath().toString(), ctx.workDir().toString(), backend, fleet,
                machines, keep, outDir.toAbsolutePath().toString());
        ManagedRun run = new ManagedRuns(ctx.home()).create(job.runName(),
                spec, ManagedState.fresh(job.name(), job.runName(), job.backend(), hourly));
        long pid = ControllerSpawner.spawn(ctx, run, ctx.workDir());
        ctx.out().println("Run " + run.name() + " is managed by controller pid " + pid + " (its own log: " + run.controllerLog()
                + "); following its output. Ctrl-C detaches: the run goes on.");
        ctx.out().flush();
        return RunFollower.follow(ctx, run, System.currentTimeMillis());
    }

    private void report(LaunchResult r) {
        var o = ctx.out();
        Style s = ctx.style();
        o.println();
        o.println(s.bold("Timing of run " + r.runName() + (r.logdir().isEmpty() ? "" : " (logs: " + r.logdir() + ")")));
        int width = Math.max(8, r.timings().stream().mapToInt(t -> t.phase().length()).max().orElse(8));
        for (PhaseTiming t : r.timings()) {
            o.println(String.format(Locale.ROOT, "  %-" + width + "s %9.2fs%s", t.phase(), t.elapsed().toMillis() / 1000.0,
                    t.ok() ? "" : "  " + s.red("failed")));
        }
        o.println(String.format(Locale.ROOT, "  %-" + width + "s %9.2fs", "total", r.total().toMillis() / 1000.0));
        if (r.outDir() != null && r.ok()) o.println("Downloads are in " + r.outDir());
        if (!r.afterApplied()) {
            o.println("The machines may still be running: applying 'after: " + r.after().label() + "' failed (see above);"
                    + " 'fastgpu ls' shows them, 'fastgpu " + (r.after() == JobFile.After.KILL ? "kill" : "stop") + " {"
                    + r.jobName() + "}' " + (r.after() == JobFile.After.KILL ? "releases" : "stops") + " them");
        } else if (!r.tasks().isEmpty() && r.after() != null) {
            String t0 = r.tasks().get(0);
            String group = r.tasks().size() > 1 ? "{" + r.jobName() + "}" : t0;
            switch (r.after()) {
                case STOP -> {
                    o.println("The machines are stopped; their files are kept. Next:");
                    o.println("  1. 'fastgpu ls --stop' to list every instance, stopped ones included");
                    o.println("  2. 'fastgpu start " + group + "' to start them again");
                    o.println("  3. 'fastgpu kill " + group + "' to release them");
                }
                case KEEP -> {
                    o.println("The machines are still running. Next:");
                    o.println("  'fastgpu ssh " + t0 + "' to look around, 'fastgpu stop " + group + "' when done");
                }
                case KILL -> o.println("The machines were released.");
            }
        }
        o.flush();
    }
}
