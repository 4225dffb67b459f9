package io.fastgpu.core.spi.facet;

import io.fastgpu.api.Resources;

/** A provider whose machines cost money, and who can say roughly how much. */
public interface Pricing {
    /** A rough hourly price for {@code count} machines of the given resources, or -1 when unknown. */
    double hourlyPrice(Resources resources, int count);

    /** What the cost prompt says about who pays. */
    String costNotice();

    /** Where the prices come from (a dated table), for listings. */
    String priceSource();
}
