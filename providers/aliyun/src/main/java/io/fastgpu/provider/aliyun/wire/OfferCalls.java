package io.fastgpu.provider.aliyun.wire;

import com.aliyun.ecs20140526.models.DescribeAvailableResourceRequest;
import com.aliyun.ecs20140526.models.DescribePriceRequest;
import com.aliyun.ecs20140526.models.DescribeZonesRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

/** What the region sells: its zones, which of them have an instance type in stock, and at what price. */
public final class OfferCalls {
    /** A zone that sells the instance type asked about; {@code inStock} when it can be bought there now. */
    public record ZoneStock(String zone, boolean inStock) { }

    private final CloudApi api;

    public OfferCalls(CloudApi api) { this.api = api; }

    /** The zone ids of the region. */
    public List<String> zones() {
        var body = api.call("DescribeZones", () -> api.ecs().describeZones(new DescribeZonesRequest().setRegionId(api.region()))).getBody();
        List<String> ids = new ArrayList<>();
        if (body.getZones() != null && body.getZones().getZone() != null) {
            for (var z : body.getZones().getZone()) ids.add(z.getZoneId());
        }
        return ids;
    }

    /** The zones (all, or {@code zone} alone when not empty) that sell {@code type} pay-as-you-go, or as spot. */
    public List<ZoneStock> stock(String type, boolean spot, String zone) {
        var body = api.call("DescribeAvailableResource", () -> api.ecs().describeAvailableResource(new DescribeAvailableResourceRequest()
                .setRegionId(api.region()).setDestinationResource("InstanceType").setInstanceType(type)
                .setInstanceChargeType("PostPaid").setSpotStrategy(spot ? "SpotAsPriceGo" : "NoSpot")
                .setZoneId(zone.isEmpty() ? null : zone))).getBody();
        List<ZoneStock> result = new ArrayList<>();
        if (body.getAvailableZones() == null || body.getAvailableZones().getAvailableZone() == null) return result;
        for (var z : body.getAvailableZones().getAvailableZone()) {
            boolean hasType = z.getAvailableResources() != null && z.getAvailableResources().getAvailableResource() != null
                    && z.getAvailableResources().getAvailableResource().stream().anyMatch(r -> r.getSupportedResources() != null
                    && r.getSupportedResources().getSupportedResource() != null
                    && r.getSupportedResources().getSupportedResource().stream().anyMatch(s -> type.equals(s.getValue())));
            if (!hasType) continue;
            boolean inStock = "Available".equals(z.getStatus()) && !"SoldOut".equals(z.getStatusCategory());
            if (result.stream().noneMatch(s -> s.zone().equals(z.getZoneId()))) result.add(new ZoneStock(z.getZoneId(), inStock));
        }
        return result;
    }

    /** The hourly trade price of one instance of {@code type}, when the API says it. */
    public OptionalDouble hourlyPrice(String type, boolean spot) {
        var body = api.call("DescribePrice", () -> api.ecs().describePrice(new DescribePriceRequest()
                .setRegionId(api.region()).setResourceType("instance").setInstanceType(type)
                .setSpotStrategy(spot ? "SpotAsPriceGo" : "NoSpot").setPriceUnit("Hour"))).getBody();
        if (body.getPriceInfo() != null && body.getPriceInfo().getPrice() != null
                && body.getPriceInfo().getPrice().getTradePrice() != null) {
            return OptionalDouble.of(body.getPriceInfo().getPrice().getTradePrice());
        }
        return OptionalDouble.empty();
    }
}
