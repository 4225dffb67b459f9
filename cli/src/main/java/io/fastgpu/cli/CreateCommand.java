package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.Task;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.MachinePlan;
import io.fastgpu.core.runtime.TaskRuntime;
import io.fastgpu.core.runtime.Watchdog;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.util.DurationText;
import io.fastgpu.core.util.Parallel;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code fastgpu create}: machines for a job, set up and left running, from flags or a FastGPU 1.x create.cfg. */
@Command(name = "create", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Create (or start) the machines task0.NAME ... and run the install script on them.",
                "Options come from --config create.cfg (the FastGPU 1.x INI format) and/or the flags; flags win."})
final class CreateCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A create.cfg: [ncluster] and [cmd] sections.")
    Path config;
    @Option(names = "--name", paramLabel = "NAME", description = "The job name: machines are task0.NAME, task1.NAME, ...")
    String name;
    @Option(names = "--machines", paramLabel = "N", description = "How many machines (default 1).")
    Integer machines;
    @Option(names = "--instance_type", paramLabel = "TYPE", description = "Instance type, e.g. ecs.gn6v-c8g1.2xlarge ('fastgpu querygpu').")
    String instanceType;
    @Option(names = "--image_name", paramLabel = "IMAGE", description = "Image name, id or name prefix ('fastgpu queryimage').")
    String imageName;
    @Option(names = "--spot", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", description = "Buy spot instances.")
    Boolean spot;
    @Option(names = "--system_disk_size", paramLabel = "GB", description = "System disk size in GB (default 100).")
    Integer systemDisk;
    @Option(names = "--data_disk_size", paramLabel = "GB", description = "Data disk size in GB (0: none).")
    Integer dataDisk;
    @Option(names = "--zone_id", paramLabel = "ZONE", description = "Zone (default: ALIYUN_DEFAULT_ZONE, else the first with stock).")
    String zone;
    @Option(names = "--vpc_name", paramLabel = "NAME", description = "VPC to use or make (default fastgpu-vpc).")
    String vpcName;
    @Option(names = "--skip_setup", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", description = "Do not run the install script.")
    Boolean skipSetup;
    @Option(names = "--install_script", paramLabel = "SCRIPT", description = "Commands to run once on each new machine.")
    String installScript;
    @Option(names = "--nas", arity = "0..1", fallbackValue = "true", paramLabel = "BOOL", description = "Mount a NAS file system at the run root.")
    Boolean nas;
    @Option(names = {"--confirm_cost", "-y", "--yes"}, arity = "0..1", fallbackValue = "true", paramLabel = "BOOL",
            description = "Agree to the cost without asking.")
    Boolean confirmCost;
    @Option(names = "--backend", paramLabel = "NAME", description = "Backend (default aliyun).")
    String backend;
    @Option(names = "--autostop", paramLabel = "IDLE", description = "Stop a machine idle this long, e.g. 30m, or 'off'"
            + " (default: 30m in a cloud, off for local and ssh).")
    String autostop;

    @Option(names = "--over-budget", description = "Create even when an hour of the machines would pass the monthly budget of config.yaml.")
    boolean overBudget;

    CreateCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        CreateConfig cfg = config == null ? new CreateConfig(Map.of()) : CreateConfig.read(ctx.workDir().resolve(config));
        String file = config == null ? "create" : config.getFileName().toString();
        String jobName = pick(name, cfg.text("name"));
        if (jobName.isEmpty()) throw new InvalidSpecException("create needs a job name: --name NAME, or name= in [ncluster] of create.cfg");
        if (!jobName.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,62}")) {
            throw new InvalidSpecException("'" + jobName + "' is not allowed as a job name (letters, digits, '-', '_'; up to 63)");
        }
        int n = first(machines, cfg.integer("machines", file), 1);
        if (n < 1 || n > 1000) throw new InvalidSpecException("machines must be 1..1000, was " + n);
        int disk = first(systemDisk, cfg.integer("system_disk_size", file), 100);
        int data = first(dataDisk, cfg.integer("data_disk_size", file), 0);
        boolean wantSpot = first(spot, cfg.bool("spot", file), false);
        boolean skip = first(skipSetup, cfg.bool("skip_setup", file), false);
        Boolean disableNas = cfg.bool("disable_nas", file);
        boolean withNas = first(nas, disableNas == null ? null : !disableNas, false);
        boolean confirmed = first(confirmCost, cfg.bool("confirm_cost", file), false);
        Map<String, String> options = new LinkedHashMap<>();
        String vpc = pick(vpcName, cfg.text("vpc_name"));
        if (!vpc.isEmpty()) options.put("vpc_name", vpc);
        if (data > 0) options.put("data_disk_gb", String.valueOf(data));
        JobOptions o = JobOptions.builder(jobName).numTasks(n).backend(backend == null ? "aliyun" : backend)
                .instanceType(pick(instanceType, cfg.text("instance_type"))).image(pick(imageName, cfg.text("image_name")))
                .spot(wantSpot).diskGb(disk).zone(pick(zone, cfg.text("zone_id"))).skipSetup(skip).nas(withNas)
                .installScript(pick(installScript, cfg.text("install_script"))).confirmCost(confirmed).backendOptions(options).build();
        Duration idle = idlePeriod(o.backend());
        MachinePlan plan = ctx.fastGpu().planJob(o);
        if (!overBudget && plan.costsMoney() && plan.toRun() > 0) {
            io.fastgpu.core.cost.MonthlyBudget.check(ctx.fastGpu(), plan.hourlyPrice(), null, "creation of " + jobName);
        }
        if (plan.needsConsent() && !ctx.confirm(plan.costQuestion(), false)) {
            ctx.err().println("not confirmed: nothing was created; pass --yes (or confirm_cost = true) to agree to the cost");
            return 1;
        }
        JobRuntime job = ctx.fastGpu().makeJob(plan, true);
        ctx.fastGpu().state().recordJob(jobName, o.backend(), n); // a known job: 'fastgpu sweep' leaves its machines alone
        ctx.fastGpu().provider(o.backend()).capabilities().facet(SelfStop.class).ifPresent(self -> {
            Watchdog.Settings settings = new Watchdog.Settings(idle, false, null, "create-" + System.currentTimeMillis());
            Parallel.all("install the watchdog", job.taskRuntimes(), TaskRuntime::name, t -> {
                Watchdog.ensure(t, self.stopScript(t.instance()), settings);
                return null;
            });
        });
        ctx.renderer().finish();
        for (Task t : job.tasks()) {
            ctx.out().println(t.name() + "  " + (t.publicIp().isEmpty() ? "-" : t.publicIp()) + "  " + t.ip() + "  "
                    + ctx.style().green("ready"));
        }
        String group = n > 1 ? "{" + jobName + "}" : "task0." + jobName;
        ctx.out().println("Next: 'fastgpu ssh task0." + jobName + "', 'fastgpu stop " + group + "' when done"
                + " (stopped machines cost only their disks), 'fastgpu kill " + group + "' to release them.");
        return 0;
    }

    /** --autostop, else the backend's default; checked before anything is bought. */
    private Duration idlePeriod(String backendName) {
        if (autostop == null) {
            return ctx.fastGpu().provider(backendName).capabilities().facet(SelfStop.class)
                    .filter(SelfStop::autostopByDefault).map(x -> Watchdog.DEFAULT_IDLE).orElse(null);
        }
        if (autostop.strip().equalsIgnoreCase("off")) return null;
        Duration d;
        try {
            d = DurationText.parse(autostop);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("--autostop: " + e.getMessage() + ", or 'off'");
        }
        if (d.compareTo(Watchdog.MIN_IDLE) < 0 && !Watchdog.shortLimitsAllowed()) {
            throw new InvalidSpecException("--autostop: " + DurationText.format(d) + " is shorter than a minute; give at least 1m, or 'off'");
        }
        return d;
    }

    /** The flag when given, else the file's value when it has one, else the default. */
    private static <T> T first(T flag, T fromFile, T otherwise) {
        return flag != null ? flag : fromFile != null ? fromFile : otherwise;
    }

    private static String pick(String flag, String fromFile) { return flag != null ? flag.strip() : fromFile.strip(); }
}
