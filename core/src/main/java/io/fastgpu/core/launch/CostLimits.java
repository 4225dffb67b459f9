package io.fastgpu.core.launch;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.job.CostGuard;
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.runtime.Watchdog;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.util.DurationText;

import java.time.Duration;
import java.util.Locale;

/**
 * A job's cost guard made concrete for its backend: the idle period (the job file's, else the backend's
 * default), and the deadline that {@code max_duration} and {@code max_cost} (at the hourly price of the job's
 * machines) come to. Decided at plan time, so that a cap below an hour's price or a too short idle period is
 * refused with one line before anything is bought.
 *
 * @param idle        the idle period after which a machine stops itself; null for none
 * @param down        release instead of stop
 * @param deadline    how long the job's machines may run; null for no limit
 * @param hourlyPrice the price of one hour of all the job's machines; 0 when free or unknown
 * @param maxCost     the cap, or null
 * @param selfStop    how a machine of the backend stops itself; null when it cannot (then nothing is enforced on the machine)
 */
public record CostLimits(Duration idle, boolean down, Duration deadline, double hourlyPrice, Double maxCost, SelfStop selfStop) {

    /** The limits of {@code job} on {@code provider}; fails with one line on a limit that cannot work. */
    public static CostLimits of(JobFile job, Provider provider) {
        CostGuard g = job.costGuard();
        SelfStop self = provider.capabilities().facet(SelfStop.class).orElse(null);
        CostGuard.Autostop a = g.autostop();
        Duration idle = switch (a.mode()) {
            case ON -> a.idle();
            case OFF -> null;
            case DEFAULT -> self != null && self.autostopByDefault() ? Watchdog.DEFAULT_IDLE : null;
        };
        if (idle != null && idle.compareTo(Watchdog.MIN_IDLE) < 0 && !Watchdog.shortLimitsAllowed()) {
            throw new InvalidSpecException(job.file() + ": autostop: " + DurationText.format(idle)
                    + " is shorter than a minute; write at least 1m, or 'autostop: off'");
        }
        double hourly = 0;
        Duration deadline = g.maxDuration();
        if (g.maxCost() != null) {
            Pricing pricing = provider.capabilities().facet(Pricing.class).orElse(null);
            if (pricing != null) {
                hourly = pricing.hourlyPrice(job.resources(), job.machines());
                if (hourly < 0) {
                    throw new InvalidSpecException(job.file() + ": max_cost needs the price of the job's machines, and backend "
                            + provider.name() + " has none for them; give resources.instance_type a known type, or drop max_cost");
                }
                if (hourly > 0) {
                    if (g.maxCost() < hourly && !Watchdog.shortLimitsAllowed()) {
                        throw new InvalidSpecException(job.file() + ": " + String.format(Locale.ROOT,
                                "max_cost %.2f is below the price of one hour of the job's %d machine(s) (%.2f per hour, %s)",
                                g.maxCost(), job.machines(), hourly, pricing.priceSource()) + "; raise it, or use max_duration");
                    }
                    Duration byCost = Duration.ofMillis(Math.max(1000, Math.round(g.maxCost() / hourly * 3_600_000)));
                    deadline = deadline == null || byCost.compareTo(deadline) < 0 ? byCost : deadline;
                }
            }
        }
        return new CostLimits(idle, a.down(), deadline, hourly, g.maxCost(), self);
    }

    /**
     * The watchdog's settings for a launch of run {@code runName} starting now. The machine's deadline is the
     * backstop: it comes {@link #backstopGrace} after the client's, so that a client still running is the one that
     * stops the job and says why, and the machine stops itself only when no client is left to.
     */
    public Watchdog.Settings settings(String runName) {
        String stamp = (runName + "-" + System.currentTimeMillis()).replaceAll("[^0-9A-Za-z._-]", "_");
        if (stamp.length() > 64) stamp = stamp.substring(stamp.length() - 64);
        return new Watchdog.Settings(idle, down, deadline == null ? null : deadline.plus(backstopGrace(deadline)), stamp);
    }

    /** How long the machine's watchdog waits past the deadline for the client: 2% of it, between 3 s and a minute. */
    public static Duration backstopGrace(Duration deadline) {
        long ms = Math.max(3_000, Math.min(60_000, deadline.toMillis() / 50));
        return Duration.ofMillis(ms);
    }

    /** An amount of money: two decimals, more for amounts under a tenth (a cap of seconds in tests). */
    public static String money(double amount) {
        return amount != 0 && Math.abs(amount) < 0.1 ? String.format(Locale.ROOT, "%.2g", amount).replaceAll("e.*", "")
                : String.format(Locale.ROOT, "%.2f", amount);
    }

    /** The limits in words, for the plan: {@code autostop 30m, deadline 2h (max_cost 5.00 at 2.40 per hour)}. */
    public String describe() {
        StringBuilder b = new StringBuilder("autostop ").append(idle == null ? "off" : DurationText.format(idle) + (down ? " (down)" : ""));
        if (deadline != null) {
            b.append(", deadline ").append(DurationText.format(deadline));
            if (maxCost != null && hourlyPrice > 0) {
                b.append(" (max_cost ").append(money(maxCost)).append(" at ").append(money(hourlyPrice)).append(" per hour)");
            }
        }
        if (selfStop == null && (idle != null || deadline != null)) b.append("; enforced by this client only (the backend has no watchdog)");
        return b.toString();
    }
}
