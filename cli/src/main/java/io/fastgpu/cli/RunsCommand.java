package io.fastgpu.cli;

import io.fastgpu.core.managed.ManagedRun;
import io.fastgpu.core.managed.ManagedRuns;
import io.fastgpu.core.managed.ManagedState;
import io.fastgpu.core.managed.RecoveryRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fastgpu runs}: the managed runs, with state, restarts, age and cost so far. */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = {"List the managed runs (launch --managed): state, restarts, age, cost so far and the last recovery.",
                "--recover starts a new controller for every unfinished run whose controller is gone."})
final class RunsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;
    @Mixin JsonOption json;

    @Option(names = "--recover", description = "Start a controller for each unfinished run whose controller is gone.")
    boolean recover;

    RunsCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        if (recover) {
            List<String> restarted = ControllerSpawner.recoverOrphans(ctx);
            if (restarted.isEmpty() && !json.json) ctx.out().println("Every unfinished run has its controller.");
        }
        List<ManagedRun> runs = new ManagedRuns(ctx.home()).list();
        long now = System.currentTimeMillis();
        if (json.json) {
            List<Object> items = new ArrayList<>();
            for (ManagedRun r : runs) {
                ManagedState s = r.state().orElse(null);
                boolean alive = r.controllerAlive();
                items.add(Json.object("run", r.name(), "job", s == null ? "" : s.job(), "backend", s == null ? "" : s.backend(),
                        "state", s == null ? "unknown" : s.status(), "restarts", s == null ? 0 : s.restarts(),
                        "age_seconds", s == null ? 0 : (now - s.startedAtMs()) / 1000,
                        "cost_so_far", s == null ? -1 : Math.round(s.costSoFar() * 100) / 100.0,
                        "controller", alive ? "running" : "gone", "controller_pid", alive ? r.controllerPid() : -1,
                        "message", s == null ? "" : s.message(),
                        "recoveries", s == null ? List.of() : s.recoveries().stream().map(RecoveryRecord::describe).toList(),
                        "log", r.runLog().toString()));
            }
            ctx.out().println(Json.list(items));
            return 0;
        }
        if (runs.isEmpty()) {
            ctx.out().println("No managed runs; 'fastgpu launch FILE --managed' starts one.");
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        for (ManagedRun r : runs) {
            ManagedState s = r.state().orElse(null);
            if (s == null) {
                rows.add(new String[] {r.name(), "", "unknown (no state file)", "", "", "", r.controllerAlive() ? "running" : "gone", ""});
                continue;
            }
            String cost = s.hourlyPrice() < 0 ? "unknown" : s.hourlyPrice() == 0 ? "0" : String.format(Locale.ROOT, "%.2f", s.costSoFar());
            String last = s.recoveries().isEmpty() ? s.message() : s.recoveries().get(s.recoveries().size() - 1).describe();
            rows.add(new String[] {r.name(), s.job(), s.status(), String.valueOf(s.restarts()), age(now - s.startedAtMs()), cost,
                    s.isFinal() ? "-" : r.controllerAlive() ? "running" : "gone", last});
        }
        Table.print(ctx.out(), new String[] {"Run", "Job", "State", "Restarts", "Age", "Cost", "Controller", "Last"}, rows);
        return 0;
    }

    static String age(long ms) {
        long s = ms / 1000;
        if (s < 120) return s + "s";
        if (s < 7200) return (s / 60) + "m";
        return String.format(Locale.ROOT, "%.1fh", s / 3600.0);
    }

}
