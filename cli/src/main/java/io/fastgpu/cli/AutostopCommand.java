package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.runtime.Watchdog;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.util.DurationText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code fastgpu autostop NAME 30m|off}: changes the idle autostop the watchdog on each machine enforces. */
@Command(name = "autostop", mixinStandardHelpOptions = true,
        description = {"Set how long a machine may sit idle before it stops itself (or 'off').",
                "Idle: no FastGPU command or job step running, no interactive SSH session, GPUs under 5%."})
final class AutostopCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(index = "0", paramLabel = "NAME", description = "Instance name, or {job} for every machine of the job.")
    String name;

    @Parameters(index = "1", paramLabel = "IDLE", description = "An idle period such as 30m or 2h, or 'off'.")
    String idle;

    @Option(names = "--down", description = "Release the machine instead of stopping it.")
    boolean down;

    AutostopCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        Duration period = parse(idle);
        var selected = InstanceSelector.select(ctx.fastGpu(), name);
        java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();
        return Lifecycle.apply(ctx, selected, "autostop", s -> {
            SelfStop self = s.provider().capabilities().facet(SelfStop.class).orElseThrow(() -> new InvalidSpecException(
                    "backend " + s.provider().name() + " cannot stop its machines from inside: no autostop there"));
            if (!s.instance().state().isRunning()) {
                throw new InvalidSpecException(s.instance().name() + " is " + s.instance().state().label()
                        + "; start it first ('fastgpu start " + s.instance().name() + "')");
            }
            String caveat = down && period != null ? self.releaseCaveat() : null;
            if (caveat != null && warned.add(caveat)) {
                ctx.fastGpu().events().on(new io.fastgpu.api.Event.Notice(io.fastgpu.api.Event.Level.WARN, caveat));
            }
            var task = ctx.fastGpu().task(s.provider(), s.instance());
            Watchdog.setIdle(task, self.stopScript(s.instance()), period, down);
        });
    }

    private static Duration parse(String text) {
        if (text.strip().equalsIgnoreCase("off")) return null;
        Duration d;
        try {
            d = DurationText.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("autostop: " + e.getMessage() + ", or 'off'");
        }
        if (d.compareTo(Watchdog.MIN_IDLE) < 0 && !Watchdog.shortLimitsAllowed()) {
            throw new InvalidSpecException("autostop: " + DurationText.format(d) + " is shorter than a minute; give at least 1m, or 'off'");
        }
        return d;
    }
}
