package io.fastgpu.provider.aliyun;

import com.aliyun.ecs20140526.models.DescribeAvailableResourceRequest;
import com.aliyun.ecs20140526.models.DescribeZonesRequest;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.util.Suggest;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Which zones of a region sell an instance type now. */
final class Offers {
    private final CloudApi api;
    private final Catalog catalog;

    Offers(CloudApi api, Catalog catalog) {
        this.api = api;
        this.catalog = catalog;
    }

    /**
     * The zones to try, in order: {@code zone} alone when given (it must exist), else every zone with stock.
     * Unknown region, zone or instance type, and no stock anywhere, each fail with one line.
     */
    List<String> zonesWithStock(String type, boolean spot, String zone) {
        List<String> zones = zones();
        if (!zone.isEmpty() && !zones.contains(zone)) {
            String hint = Suggest.closest(zone, zones).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException("unknown zone '" + zone + "' in " + api.region() + hint + "; zones: " + String.join(", ", zones));
        }
        var body = api.call("DescribeAvailableResource", () -> api.ecs().describeAvailableResource(new DescribeAvailableResourceRequest()
                .setRegionId(api.region()).setDestinationResource("InstanceType").setInstanceType(type)
                .setInstanceChargeType("PostPaid").setSpotStrategy(spot ? "SpotAsPriceGo" : "NoSpot")
                .setZoneId(zone.isEmpty() ? null : zone))).getBody();
        Set<String> offered = new LinkedHashSet<>();
        List<String> withStock = new ArrayList<>();
        if (body.getAvailableZones() != null && body.getAvailableZones().getAvailableZone() != null) {
            for (var z : body.getAvailableZones().getAvailableZone()) {
                boolean hasType = z.getAvailableResources() != null && z.getAvailableResources().getAvailableResource() != null
                        && z.getAvailableResources().getAvailableResource().stream().anyMatch(r -> r.getSupportedResources() != null
                        && r.getSupportedResources().getSupportedResource() != null
                        && r.getSupportedResources().getSupportedResource().stream().anyMatch(s -> type.equals(s.getValue())));
                if (!hasType) continue;
                offered.add(z.getZoneId());
                if ("Available".equals(z.getStatus()) && !"SoldOut".equals(z.getStatusCategory())) withStock.add(z.getZoneId());
            }
        }
        if (offered.isEmpty()) {
            String hint = Suggest.closest(type, catalog.ids()).map(s -> " (did you mean '" + s + "'?)").orElse("");
            throw new InvalidSpecException("instance type '" + type + "' is not offered " + (zone.isEmpty() ? "in " + api.region() : "in zone " + zone)
                    + hint + "; 'fastgpu querygpu' lists GPU instance types");
        }
        if (withStock.isEmpty()) {
            throw new FastGpuException("no stock of " + type + (spot ? " (spot)" : "") + " in " + String.join(", ", offered)
                    + " of " + api.region() + "; try another instance type ('fastgpu querygpu'), zone or region");
        }
        return withStock;
    }

    private List<String> zones() {
        var body = api.call("DescribeZones", () -> api.ecs().describeZones(new DescribeZonesRequest().setRegionId(api.region()))).getBody();
        List<String> ids = new ArrayList<>();
        if (body.getZones() != null && body.getZones().getZone() != null) {
            for (var z : body.getZones().getZone()) ids.add(z.getZoneId());
        }
        return ids;
    }
}
