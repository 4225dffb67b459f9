package io.fastgpu.dashboard;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.core.cost.InstancePrices;
import io.fastgpu.core.cost.SpendReport;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.Watchdog;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.util.Parallel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The machines of every configured backend, asked of the backends as {@code fastgpu ls --stop} asks them, with what
 * each costs and the autostop setting its watchdog reports. What a backend reports is recorded in the state store, as
 * {@code ls} does.
 */
final class InstanceLister {
    /** The machines, and a line for each backend that could not be asked. */
    record Listing(List<InstanceRow> rows, List<String> notes) { }

    private final FastGpu fastGpu;

    InstanceLister(FastGpu fastGpu) {
        this.fastGpu = fastGpu;
    }

    Listing list(Instant now) {
        List<InstanceRow> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String backend : fastGpu.providers().names()) {
            Provider p;
            List<Instance> seen;
            try {
                p = fastGpu.provider(backend);
                if (!p.configured()) continue;
                seen = p.list();
            } catch (FastGpuException e) {
                notes.add(backend + ": " + e.getMessage());
                continue;
            }
            try {
                fastGpu.state().upsertInstances(backend, seen);
            } catch (FastGpuException e) {
                notes.add(backend + ": listed, but not recorded (" + e.getMessage() + ")");
            }
            // The price and running hours 'fastgpu ls' and 'fastgpu cost' count, one price lookup per instance type.
            InstancePrices prices = new InstancePrices();
            Map<String, Double> ranHours;
            try {
                ranHours = SpendReport.runningHours(fastGpu.state(), backend, now);
            } catch (FastGpuException e) {
                ranHours = Map.of();
            }
            Map<String, Watchdog.Status> guards = watchdogs(p, seen);
            for (Instance i : seen) {
                Double hourly = null;
                Double soFar = null;
                if (i.state().isRunning()) {
                    try {
                        double price = prices.hourly(p, i);
                        if (price > 0) {
                            hourly = price;
                            soFar = price * ranHours.getOrDefault(i.id(), i.ageHours(now));
                        }
                    } catch (FastGpuException e) {
                        notes.add(backend + ": no price for " + i.instanceType() + " (" + e.getMessage() + ")");
                    }
                }
                Watchdog.Status g = guards.get(i.id());
                rows.add(new InstanceRow(i, hourly, soFar, g == null ? null : g.running() ? g.idleLabel() : g.idleLabel() + " (not running)"));
            }
        }
        rows.sort(Comparator.comparing((InstanceRow r) -> r.instance().backend()).thenComparing(r -> r.instance().name()));
        return new Listing(rows, notes);
    }

    /** What the watchdog on each running machine reports (its autostop setting), asked in parallel, as 'fastgpu ls' asks. */
    private Map<String, Watchdog.Status> watchdogs(Provider p, List<Instance> seen) {
        if (p.capabilities().facet(SelfStop.class).isEmpty()) return Map.of();
        Map<String, Watchdog.Status> result = new ConcurrentHashMap<>();
        Parallel.each(seen.stream().filter(i -> i.state().isRunning()).toList(), i -> {
            Watchdog.status(fastGpu.task(p, i)).ifPresent(st -> result.put(i.id(), st));
            return null;
        });
        return result;
    }
}
