package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.config.UserConfig;
import io.fastgpu.core.cost.MonthlyBudget;
import io.fastgpu.core.cost.SpendReport;
import io.fastgpu.core.launch.CostLimits;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fastgpu cost [--month [YYYY-MM]] [--json]}: what the machines cost, per backend, job and run, from the state store. */
@Command(name = "cost", mixinStandardHelpOptions = true,
        description = {"Report what the machines cost, per backend, job and run, from the state store:",
                "each machine's running hours x its hourly price (the price 'fastgpu ls' shows),",
                "and what is left of the monthly budget (budget: {monthly: N} in config.yaml)."})
final class CostCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = "--month", arity = "0..1", fallbackValue = "", paramLabel = "YYYY-MM",
            description = "Only this calendar month (this machine's time zone); the current one when no month is given."
                    + " Without --month: everything recorded.")
    String month;

    @Mixin JsonOption output;

    CostCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        Instant now = Instant.now();
        Instant from = Instant.EPOCH;
        Instant to = now;
        YearMonth ym = null;
        if (month != null) {
            try {
                ym = month.isBlank() ? YearMonth.now() : YearMonth.parse(month.strip());
            } catch (DateTimeParseException e) {
                throw new InvalidSpecException("--month: '" + month + "' is not a month; write it as YYYY-MM, e.g. "
                        + YearMonth.now());
            }
            Instant[] period = MonthlyBudget.month(ym);
            from = period[0];
            to = period[1].isBefore(now) ? period[1] : now;
            if (from.isAfter(now)) to = from;
        }
        var fg = ctx.fastGpu();
        SpendReport r = SpendReport.of(fg, from, to);
        UserConfig config = UserConfig.read(fg.home());
        boolean thisMonth = ym != null && ym.equals(YearMonth.now());
        if (output.json) {
            ctx.out().println(Json.write(json(r, ym, config, thisMonth)));
            return 0;
        }
        var o = ctx.out();
        o.println(ctx.style().bold("Spend " + (ym == null ? "of everything recorded" : "in " + ym)
                + " (running hours x hourly price, and stopped machines' disks; from the state store)"));
        List<String[]> rows = new ArrayList<>();
        for (var b : r.backends()) rows.add(new String[]{b.backend(), hours(b.runningHours()), b.free() ? "free" : CostLimits.money(b.spend())});
        o.print(Table.render(new String[]{"Backend", "Hours", "Spend"}, rows));
        if (r.backends().isEmpty()) o.println("(no machine time recorded)");
        rows = new ArrayList<>();
        for (var j : r.jobs()) rows.add(new String[]{j.job(), j.backend(), hours(j.runningHours()), spend(r, j.backend(), j.spend())});
        if (!rows.isEmpty()) {
            o.println();
            o.print(Table.render(new String[]{"Job", "Backend", "Hours", "Spend"}, rows));
        }
        rows = new ArrayList<>();
        for (var run : r.runs()) {
            rows.add(new String[]{String.valueOf(run.id()), run.runName(), run.job(), run.backend(), run.status(),
                    hours(run.runningHours()), spend(r, run.backend(), run.spend())});
        }
        if (!rows.isEmpty()) {
            o.println();
            o.print(Table.render(new String[]{"Run", "Name", "Job", "Backend", "Status", "Hours", "Spend"}, rows));
        }
        rows = new ArrayList<>();
        for (var i : r.instances()) {
            rows.add(new String[]{i.name(), i.backend(), i.instanceType().isEmpty() ? "-" : i.instanceType(),
                    i.hourlyPrice() == 0 ? "free" : i.hourlyPrice() < 0 ? "unknown" : CostLimits.money(i.hourlyPrice()),
                    hours(i.runningHours()), hours(i.stoppedHours()), spend(r, i.backend(), i.spend())});
        }
        if (!rows.isEmpty()) {
            o.println();
            o.print(Table.render(new String[]{"Instance", "Backend", "Type", "Per hour", "Running(hr)", "Stopped(hr)", "Spend"}, rows));
        }
        o.println();
        o.println("Total: " + CostLimits.money(r.total()));
        if (config.monthlyBudget().isPresent() && thisMonth) {
            double budget = config.monthlyBudget().getAsDouble();
            o.println("Budget: " + CostLimits.money(budget) + " per month; " + CostLimits.money(Math.max(0, budget - r.total()))
                    + " left in " + ym);
        }
        for (String n : r.notes()) o.println("Note: " + n);
        return 0;
    }

    private static String spend(SpendReport r, String backend, double amount) {
        boolean free = r.backends().stream().anyMatch(b -> b.backend().equals(backend) && b.free());
        return free ? "free" : CostLimits.money(amount);
    }

    /** Hours with two decimals, four under a hundredth (a launch of seconds). */
    private static String hours(double h) { return String.format(Locale.ROOT, h > 0 && h < 0.01 ? "%.4f" : "%.2f", h); }

    private static double round(double v) { return Math.round(v * 1_000_000) / 1_000_000.0; }

    private static Map<String, Object> json(SpendReport r, YearMonth ym, UserConfig config, boolean thisMonth) {
        List<Object> backends = new ArrayList<>();
        for (var b : r.backends()) {
            backends.add(Json.object("backend", b.backend(), "free", b.free(), "running_hours", round(b.runningHours()),
                    "stopped_hours", round(b.stoppedHours()), "spend", round(b.spend())));
        }
        List<Object> jobs = new ArrayList<>();
        for (var j : r.jobs()) {
            jobs.add(Json.object("job", j.job(), "backend", j.backend(), "running_hours", round(j.runningHours()), "spend", round(j.spend())));
        }
        List<Object> runs = new ArrayList<>();
        for (var run : r.runs()) {
            runs.add(Json.object("id", run.id(), "run", run.runName(), "job", run.job(), "backend", run.backend(), "status", run.status(),
                    "started_at", run.startedAt().toString(), "finished_at", run.finishedAt() == null ? null : run.finishedAt().toString(),
                    "running_hours", round(run.runningHours()), "spend", round(run.spend())));
        }
        List<Object> instances = new ArrayList<>();
        for (var i : r.instances()) {
            instances.add(Json.object("backend", i.backend(), "id", i.id(), "name", i.name(), "job", i.job(),
                    "instance_type", i.instanceType(), "hourly_price", i.hourlyPrice() < 0 ? null : round(i.hourlyPrice()),
                    "running_hours", round(i.runningHours()), "stopped_hours", round(i.stoppedHours()), "disk_gb", i.diskGb(),
                    "disk_spend", round(i.diskSpend()), "spend", round(i.spend())));
        }
        Map<String, Object> budget = config.monthlyBudget().isPresent()
                ? Json.object("monthly", config.monthlyBudget().getAsDouble(), "left", thisMonth
                        ? round(Math.max(0, config.monthlyBudget().getAsDouble() - r.total())) : null) : null;
        return Json.object("month", ym == null ? null : ym.toString(), "from", r.from().toString(), "to", r.to().toString(),
                "total", round(r.total()), "backends", backends, "jobs", jobs, "runs", runs, "instances", instances,
                "budget", budget, "notes", r.notes());
    }
}
