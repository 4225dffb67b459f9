package io.fastgpu.core.cost;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.config.UserConfig;
import io.fastgpu.core.launch.CostLimits;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.util.DurationText;

import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.OptionalDouble;

/**
 * The monthly budget of {@code config.yaml} ({@code budget: {monthly: 200}}): a launch or create whose estimate would
 * take this calendar month's spend ({@link SpendReport}) past it is refused before anything is bought.
 */
public final class MonthlyBudget {
    private MonthlyBudget() { }

    /** The calendar month (in this machine's time zone) that holds {@code at}, as {@code [start, end)}. */
    public static Instant[] month(YearMonth month) {
        ZoneId zone = ZoneId.systemDefault();
        return new Instant[] {month.atDay(1).atStartOfDay(zone).toInstant(), month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant()};
    }

    /**
     * Refuses, with one line giving the numbers, a launch that would pass the monthly budget.
     *
     * @param hourly   the price of one hour of the machines it starts or buys (0 or less: free or unknown, never refused)
     * @param deadline how long they may run ({@code max_duration}, or what {@code max_cost} comes to); null: estimated as one hour
     * @param what     what is refused, e.g. "launch of job train"
     * @throws FastGpuException when the budget would be passed
     */
    public static void check(FastGpu fg, double hourly, Duration deadline, String what) {
        UserConfig config = UserConfig.read(fg.home());
        OptionalDouble budget = config.monthlyBudget();
        if (budget.isEmpty() || hourly <= 0) return;
        double hours = deadline == null ? 1 : deadline.toMillis() / 3_600_000.0;
        double estimate = hourly * hours;
        YearMonth thisMonth = YearMonth.now();
        Instant[] period = month(thisMonth);
        Instant now = Instant.now();
        double spent = SpendReport.of(fg, period[0], now.isBefore(period[1]) ? now : period[1]).total();
        if (spent + estimate <= budget.getAsDouble()) return;
        String basis = deadline == null ? "one hour, as the job sets no max_duration or max_cost"
                : DurationText.format(deadline) + ", its deadline from max_duration/max_cost";
        throw new FastGpuException("monthly budget " + CostLimits.money(budget.getAsDouble()) + " would be passed: "
                + CostLimits.money(spent) + " spent in " + thisMonth + " so far + " + CostLimits.money(estimate) + " estimated for the "
                + what + " (" + CostLimits.money(hourly) + " per hour x " + basis + "); nothing was bought."
                + " Pass --over-budget, or raise budget.monthly in " + config.file());
    }
}
