package io.fastgpu.core.cost;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.Pricing;

import java.util.HashMap;
import java.util.Map;

/**
 * The hourly price of one machine, as {@code fastgpu ls} and {@code fastgpu cost} both count it: the backend's price
 * table for its instance type (spot or not), times the nodes it stands for. Asked once per type (a cloud's price API
 * is rate-limited).
 */
public final class InstancePrices {
    /** The price of a machine that costs nothing (a backend that does not charge). */
    public static final double FREE = 0;
    /** The price of a machine whose backend charges but has no price for it. */
    public static final double UNKNOWN = -1;

    private final Map<String, Double> cache = new HashMap<>();

    /** The hourly price of {@code i} on {@code p}: 0 when the backend is free, -1 when unknown. */
    public double hourly(Provider p, Instance i) {
        int nodes;
        try {
            nodes = Math.max(1, Integer.parseInt(i.tags().getOrDefault("fastgpu:nodes", "1")));
        } catch (NumberFormatException e) {
            nodes = 1;
        }
        return hourly(p, i.instanceType(), i.tags().containsKey("aliyun:spot"), nodes);
    }

    /**
     * The hourly price of a machine of {@code instanceType} standing for {@code nodes} nodes on {@code p}: 0 when the
     * backend is free, -1 when it charges and has no price for it.
     *
     * @throws FastGpuException when the backend's price table cannot be asked
     */
    public double hourly(Provider p, String instanceType, boolean spot, int nodes) {
        if (!p.capabilities().costsMoney()) return FREE;
        var pricing = p.capabilities().facet(Pricing.class);
        if (pricing.isEmpty()) return UNKNOWN;
        double one = cache.computeIfAbsent(p.name() + " " + instanceType + (spot ? " spot" : ""),
                k -> pricing.get().hourlyPrice(new Resources(instanceType, "", spot, 100), 1));
        return one < 0 ? UNKNOWN : one * nodes;
    }
}
