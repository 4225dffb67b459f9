package io.fastgpu.provider.aliyun;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.OfferCalls;

import java.util.List;

/** Which zones of a region sell an instance type now. */
final class Offers {
    private final OfferCalls offers;
    private final String region;
    private final Catalog catalog;

    Offers(CloudApi api, Catalog catalog) {
        this.offers = new OfferCalls(api);
        this.region = api.region();
        this.catalog = catalog;
    }

    /**
     * The zones to try, in order: {@code zone} alone when given (it must exist), else every zone with stock.
     * Unknown region, zone or instance type, and no stock anywhere, each fail with one line.
     */
    List<String> zonesWithStock(String type, boolean spot, String zone) {
        List<String> zones = offers.zones();
        if (!zone.isEmpty() && !zones.contains(zone)) {
            String hint = Suggest.closest(zone, zones).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException("unknown zone '" + zone + "' in " + region + hint + "; zones: " + String.join(", ", zones));
        }
        List<OfferCalls.ZoneStock> offered = offers.stock(type, spot, zone);
        if (offered.isEmpty()) {
            String hint = Suggest.closest(type, catalog.ids()).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException("instance type '" + type + "' is not offered " + (zone.isEmpty() ? "in " + region : "in zone " + zone)
                    + hint + "; 'fastgpu querygpu' lists GPU instance types");
        }
        List<String> withStock = offered.stream().filter(OfferCalls.ZoneStock::inStock).map(OfferCalls.ZoneStock::zone).toList();
        if (withStock.isEmpty()) {
            throw new FastGpuException("no stock of " + type + (spot ? " (spot)" : "") + " in "
                    + String.join(", ", offered.stream().map(OfferCalls.ZoneStock::zone).toList())
                    + " of " + region + "; try another instance type ('fastgpu querygpu'), zone or region");
        }
        return withStock;
    }
}
