package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.provider.aliyun.wire.OfferCalls;

import java.util.OptionalDouble;

/** What machines cost: the price API's answer, or the bundled table's estimate (a spot machine at a fifth) when it does not answer. */
final class AliyunPricing implements Pricing {
    private final CloudAccess cloud;

    AliyunPricing(CloudAccess cloud) { this.cloud = cloud; }

    @Override
    public double hourlyPrice(Resources resources, int count) {
        String type = resources.instanceType().isEmpty() ? AliyunSettings.DEFAULT_INSTANCE_TYPE : resources.instanceType();
        Catalog catalog = cloud.catalog();
        try {
            OptionalDouble price = new OfferCalls(cloud.api()).hourlyPrice(type, resources.spot());
            if (price.isPresent()) return price.getAsDouble() * count;
        } catch (FastGpuException e) {
            cloud.events().on(new Event.Notice(Event.Level.WARN, "price API did not answer (" + e.getMessage() + "); using "
                    + catalog.source() + " of " + catalog.asOf()));
        }
        return catalog.type(type).map(t -> t.pricePerHour() * (resources.spot() ? 0.2 : 1.0) * count).orElse(-1.0);
    }

    @Override
    public double diskGbHourPrice() { return cloud.catalog().diskGbHourPrice(); }

    @Override
    public String costNotice() { return "Costs of the resources (ECS/VPC/NAS) will be charged on your Aliyun account"; }

    @Override
    public String priceSource() { return sourceOf(cloud.catalog()); }

    static String sourceOf(Catalog catalog) { return catalog.source() + (catalog.asOf().isEmpty() ? "" : " of " + catalog.asOf()); }
}
