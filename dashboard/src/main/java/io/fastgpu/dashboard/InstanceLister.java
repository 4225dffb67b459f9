package io.fastgpu.dashboard;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.Pricing;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The machines of every configured backend, asked of the backends as {@code fastgpu ls --stop} asks them, with what
 * each costs. What a backend reports is recorded in the state store, as {@code ls} does.
 */
final class InstanceLister {
    /** The tag a machine carries when it stops itself after being idle, with the idle time as its value. */
    static final String AUTOSTOP_TAG = "fastgpu:autostop";

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
            var pricing = p.capabilities().facet(Pricing.class);
            Map<String, Double> prices = new HashMap<>();
            for (Instance i : seen) {
                Double hourly = null;
                Double soFar = null;
                if (pricing.isPresent() && i.state().isRunning()) {
                    boolean spot = i.tags().containsKey("aliyun:spot");
                    try {
                        double price = prices.computeIfAbsent(i.instanceType() + (spot ? " spot" : ""),
                                k -> pricing.get().hourlyPrice(new Resources(i.instanceType(), "", spot, 100), 1));
                        if (price > 0) {
                            hourly = price;
                            soFar = price * i.ageHours(now);
                        }
                    } catch (FastGpuException e) {
                        notes.add(backend + ": no price for " + i.instanceType() + " (" + e.getMessage() + ")");
                    }
                }
                rows.add(new InstanceRow(i, hourly, soFar, i.tags().get(AUTOSTOP_TAG)));
            }
        }
        rows.sort(Comparator.comparing((InstanceRow r) -> r.instance().backend()).thenComparing(r -> r.instance().name()));
        return new Listing(rows, notes);
    }
}
