package io.fastgpu.core.cost;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import io.fastgpu.core.state.UsageSpan;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the machines cost over a period, from the state store: each machine's running hours (its recorded spans) times
 * its hourly price ({@link InstancePrices}, as {@code fastgpu ls} counts it), summed per job, run and backend.
 *
 * <p>A run is charged its job's machine hours from the end of the job's previous run (so the machines' creation and
 * boot count to the run that asked for them) to its own end; hours after a job's last run (machines kept running) count
 * to the job only. A stopped machine costs its disks: its GiB of disk ({@code fastgpu:disk_gb}) times the price table's
 * price of a GiB-hour, counted to its job and backend; where either is not known, its stopped hours are not priced and
 * the report says so.
 *
 * @param from      the period's start
 * @param to        the period's end (now, or the end of a past month)
 * @param instances each machine's share, by backend and name
 * @param jobs      each job's, by backend and name
 * @param runs      each run's that overlaps the period, oldest first
 * @param backends  each backend's, by name
 * @param total     the sum of all spend
 * @param notes     what is not counted, and why, one line each
 */
public record SpendReport(Instant from, Instant to, List<InstanceSpend> instances, List<JobSpend> jobs, List<RunSpend> runs,
                          List<BackendSpend> backends, double total, List<String> notes) {

    /**
     * One machine: its hourly price (0 free, -1 unknown), hours running and stopped in the period, its GiB of disk (0
     * unknown), what its disks cost while it stood stopped, and its spend (running hours at the hourly price, and that).
     */
    public record InstanceSpend(String backend, String id, String name, String job, String instanceType, double hourlyPrice,
                                double runningHours, double stoppedHours, int diskGb, double diskSpend, double spend) { }

    /** One job on one backend. */
    public record JobSpend(String backend, String job, double runningHours, double spend) { }

    /** One run: its machine hours in the period and what they cost. */
    public record RunSpend(long id, String runName, String job, String backend, Instant startedAt, Instant finishedAt,
                           String status, double runningHours, double spend) { }

    /** One backend; {@code free} when it charges nothing (the local backend, ssh hosts). */
    public record BackendSpend(String backend, boolean free, double runningHours, double stoppedHours, double spend) { }

    /** The report of {@code [from, to)}. */
    public static SpendReport of(FastGpu fg, Instant from, Instant to) {
        StateStore store = fg.state();
        List<UsageSpan> spans = store.usage(from, to);
        InstancePrices prices = new InstancePrices();
        Map<String, Double> priceOf = new HashMap<>();
        Map<String, Boolean> freeBackend = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        Map<String, double[]> unknown = new TreeMap<>();
        for (UsageSpan s : spans) {
            String key = s.backend() + "\n" + s.instanceType() + "\n" + s.spot() + "\n" + s.nodes();
            priceOf.computeIfAbsent(key, k -> {
                try {
                    Provider p = fg.provider(s.backend());
                    freeBackend.putIfAbsent(s.backend(), !p.capabilities().costsMoney());
                    return prices.hourly(p, s.instanceType(), s.spot(), s.nodes());
                } catch (FastGpuException e) {
                    notes.add("no price for " + s.instanceType() + " on " + s.backend() + " (" + e.getMessage() + ")");
                    freeBackend.putIfAbsent(s.backend(), false);
                    return InstancePrices.UNKNOWN;
                }
            });
        }
        Map<String, Double> diskPrice = new HashMap<>();
        Map<String, double[]> unpricedStopped = new TreeMap<>();
        Map<String, InstanceSpend> perInstance = new LinkedHashMap<>();
        Map<String, List<UsageSpan>> runningByJob = new LinkedHashMap<>();
        for (UsageSpan s : spans) {
            double price = priceOf.get(s.backend() + "\n" + s.instanceType() + "\n" + s.spot() + "\n" + s.nodes());
            double hours = s.hoursWithin(from, to);
            boolean running = s.state().equals(UsageSpan.RUNNING);
            if (running) runningByJob.computeIfAbsent(s.backend() + "\n" + s.job(), k -> new ArrayList<>()).add(s);
            if (running && price < 0 && hours > 0) {
                unknown.computeIfAbsent(s.instanceType() + " on " + s.backend(), k -> new double[1])[0] += hours;
            }
            InstanceSpend old = perInstance.get(s.backend() + "\n" + s.instanceId());
            double r = (old == null ? 0 : old.runningHours()) + (running ? hours : 0);
            double st = (old == null ? 0 : old.stoppedHours()) + (running ? 0 : hours);
            double disks = 0;
            if (!running && hours > 0 && !freeBackend.getOrDefault(s.backend(), false)) {
                double perGbHour = diskPrice.computeIfAbsent(s.backend(), b -> diskGbHourPrice(fg, b));
                if (perGbHour >= 0 && s.diskGb() > 0) disks = hours * s.diskGb() * perGbHour;
                else unpricedStopped.computeIfAbsent(s.backend(), b -> new double[1])[0] += hours;
            }
            double spend = (old == null ? 0 : old.spend()) + (running && price > 0 ? hours * price : 0) + disks;
            perInstance.put(s.backend() + "\n" + s.instanceId(), new InstanceSpend(s.backend(), s.instanceId(),
                    old == null ? s.name() : old.name(), s.job(), s.instanceType(), price, r, st,
                    Math.max(s.diskGb(), old == null ? 0 : old.diskGb()), (old == null ? 0 : old.diskSpend()) + disks, spend));
        }
        unknown.forEach((what, h) -> notes.add(String.format(Locale.ROOT, "no price for %s: its %.2f instance-hours are not counted",
                what, h[0])));

        Map<String, JobSpend> perJob = new TreeMap<>();
        Map<String, BackendSpend> perBackend = new TreeMap<>();
        double total = 0;
        for (InstanceSpend i : perInstance.values()) {
            perJob.merge(i.backend() + "\n" + i.job(), new JobSpend(i.backend(), i.job(), i.runningHours(), i.spend()),
                    (a, b) -> new JobSpend(a.backend(), a.job(), a.runningHours() + b.runningHours(), a.spend() + b.spend()));
            perBackend.merge(i.backend(), new BackendSpend(i.backend(), freeBackend.getOrDefault(i.backend(), false),
                            i.runningHours(), i.stoppedHours(), i.spend()),
                    (a, b) -> new BackendSpend(a.backend(), a.free(), a.runningHours() + b.runningHours(),
                            a.stoppedHours() + b.stoppedHours(), a.spend() + b.spend()));
            total += i.spend();
        }
        unpricedStopped.forEach((backend, h) -> {
            String source = "";
            try {
                source = fg.provider(backend).capabilities().facet(Pricing.class).map(p -> " (" + p.priceSource() + ")").orElse("");
            } catch (FastGpuException e) {
                // the backend is gone from this installation: the note goes without its source
            }
            notes.add(String.format(Locale.ROOT, "stopped disks on %s: %.2f instance-hours stopped are not counted:"
                    + " %s", backend, h[0], diskPrice.getOrDefault(backend, -1.0) < 0
                    ? "the price table" + source + " has no disk price" : "the machines' disk sizes are not known"));
        });
        List<RunSpend> runs = runs(store, runningByJob, priceOf, from, to);
        List<InstanceSpend> instances = new ArrayList<>(perInstance.values());
        instances.sort(Comparator.comparing(InstanceSpend::backend).thenComparing(InstanceSpend::name).thenComparing(InstanceSpend::id));
        return new SpendReport(from, to, instances, List.copyOf(perJob.values()), runs, List.copyOf(perBackend.values()), total,
                notes);
    }

    /** What a GiB of disk costs per hour on {@code backend}, or -1 when unknown. */
    private static double diskGbHourPrice(FastGpu fg, String backend) {
        try {
            return fg.provider(backend).capabilities().facet(Pricing.class).map(Pricing::diskGbHourPrice).orElse(-1.0);
        } catch (FastGpuException e) {
            return -1;
        }
    }

    /** Each run's share of its job's machine hours: from the end of the job's previous run to its own end. */
    private static List<RunSpend> runs(StateStore store, Map<String, List<UsageSpan>> runningByJob, Map<String, Double> priceOf,
                                       Instant from, Instant to) {
        Map<String, List<RunRecord>> byJob = new LinkedHashMap<>();
        List<RunRecord> all = new ArrayList<>(store.runs(Integer.MAX_VALUE));
        all.sort(Comparator.comparing(RunRecord::startedAt).thenComparingLong(RunRecord::id));
        for (RunRecord r : all) byJob.computeIfAbsent(r.backend() + "\n" + r.job(), k -> new ArrayList<>()).add(r);
        List<RunSpend> result = new ArrayList<>();
        for (var e : byJob.entrySet()) {
            Instant windowStart = Instant.EPOCH;
            for (RunRecord r : e.getValue()) {
                Instant end = r.finishedAt() == null ? to : r.finishedAt();
                if (end.isBefore(windowStart)) end = windowStart;
                Instant start = windowStart;
                windowStart = end;
                Instant a = start.isAfter(from) ? start : from;
                Instant b = end.isBefore(to) ? end : to;
                boolean inPeriod = r.startedAt().isBefore(to) && (r.finishedAt() == null || r.finishedAt().isAfter(from));
                if (!inPeriod) continue;
                double hours = 0;
                double spend = 0;
                if (b.isAfter(a)) {
                    for (UsageSpan s : runningByJob.getOrDefault(e.getKey(), List.of())) {
                        double h = s.hoursWithin(a, b);
                        double price = priceOf.get(s.backend() + "\n" + s.instanceType() + "\n" + s.spot() + "\n" + s.nodes());
                        hours += h;
                        if (price > 0) spend += h * price;
                    }
                }
                result.add(new RunSpend(r.id(), r.runName(), r.job(), r.backend(), r.startedAt(), r.finishedAt(), r.status(),
                        hours, spend));
            }
        }
        result.sort(Comparator.comparing(RunSpend::startedAt).thenComparingLong(RunSpend::id));
        return result;
    }

    /**
     * Each machine's running hours up to {@code now} as the state store recorded them, by machine id: what {@code ls}
     * multiplies by the hourly price for "so far".
     */
    public static Map<String, Double> runningHours(StateStore store, String backend, Instant now) {
        Map<String, Double> hours = new HashMap<>();
        for (UsageSpan s : store.usage(Instant.EPOCH, now)) {
            if (s.backend().equals(backend) && s.state().equals(UsageSpan.RUNNING)) {
                hours.merge(s.instanceId(), s.hoursWithin(Instant.EPOCH, now), Double::sum);
            }
        }
        return hours;
    }
}
