package io.fastgpu.core.runtime;

import io.fastgpu.api.Instance;
import io.fastgpu.api.JobOptions;
import io.fastgpu.core.spi.CreatePlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What making a job's machines will do, decided without changing anything: which task reuses which
 * machine, which are started, which are bought (the provider's {@link CreatePlan}), and what that costs.
 * A front end shows it (a dry run), asks for consent when it costs money, then hands it to
 * {@link FastGpu#makeJob(MachinePlan, boolean)}.
 *
 * @param options     the job
 * @param slots       one per task, in order: its existing machine, if any
 * @param create      the machines to buy, as the provider planned them
 * @param costsMoney  the backend charges for running machines
 * @param hourlyPrice rough price per hour of the machines to start or buy; negative when unknown
 * @param costNotice  who pays, for the prompt
 */
public record MachinePlan(JobOptions options, List<Slot> slots, CreatePlan create, boolean costsMoney, double hourlyPrice,
                          String costNotice) {
    /** One task: its name and the machine it reuses, if any. */
    public record Slot(int index, String name, Optional<Instance> existing) { }

    public MachinePlan {
        slots = List.copyOf(slots);
    }

    /** Machines that will start running (and so be charged): the stopped ones to start and the new ones. */
    public long toRun() {
        return slots.stream().filter(s -> s.existing().map(i -> !i.state().isRunning()).orElse(true)).count();
    }

    /** True when carrying it out costs money the user has not agreed to yet. */
    public boolean needsConsent() { return costsMoney && toRun() > 0 && !options.confirmCost(); }

    /** The yes/no question a front end asks before {@link FastGpu#makeJob(MachinePlan, boolean)}. */
    public String costQuestion() {
        String type = options.resources().instanceType().isEmpty() ? "default" : options.resources().instanceType();
        String price = hourlyPrice > 0 ? String.format(Locale.ROOT, ": about %.2f per hour", hourlyPrice) : "";
        return toRun() + " x " + type + (options.resources().spot() ? " (spot)" : "") + " on " + options.backend()
                + ". " + costNotice + price + ". Confirm to continue? (y/n)";
    }

    /** What will happen, one line per task, for a dry run. */
    public List<String> describe() {
        List<String> lines = new ArrayList<>();
        for (Slot s : slots) {
            lines.add(s.name() + ": " + s.existing().map(i -> i.state().isRunning() ? "reuse " + i.id() + " (" + i.state().label() + ")"
                    : "start " + i.id() + " (" + i.state().label() + ")").orElse("create on " + options.backend()));
        }
        if (!create.details().isEmpty()) {
            lines.add("provider's choices: " + String.join(", ", create.details().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).toList()));
        }
        if (costsMoney) {
            lines.add(toRun() == 0 ? "cost: nothing new to pay for"
                    : hourlyPrice > 0 ? String.format(Locale.ROOT, "cost: about %.2f per hour for %d machine(s)", hourlyPrice, toRun())
                    : "cost: unknown price for " + toRun() + " machine(s)");
        }
        return lines;
    }
}
