package io.fastgpu.core.spi.facet;

import io.fastgpu.api.Resources;

/** A provider whose machines cost money, and who can say roughly how much. */
public interface Pricing {
    /** A rough hourly price for {@code count} machines of the given resources, or -1 when unknown. */
    double hourlyPrice(Resources resources, int count);

    /** What the cost prompt says about who pays. */
    String costNotice();

    /**
     * What one GiB of a machine's disk costs per hour, or -1 when unknown: a cloud charges for disks also while the
     * machine is stopped (its hourly price stands for everything while it runs).
     */
    default double diskGbHourPrice() { return -1; }

    /** Where the prices come from (a dated table), for listings. */
    String priceSource();
}
