package io.fastgpu.core.spi.facet;

import java.util.List;

/** A provider with a catalog of machine types and images to choose from ({@code querygpu}, {@code queryimage}). */
public interface MachineCatalog {
    /**
     * A GPU machine type.
     *
     * @param pricePerHour pay-as-you-go estimate per hour, in the price table's currency
     */
    record GpuOffer(String instanceType, String gpuModel, int gpuCount, int gpuMemoryGb, int vcpu, double memoryGb,
                    double pricePerHour) { }

    /** A machine image. */
    record Image(String id, String name, String os, int sizeGb, String created) { }

    List<GpuOffer> gpuOffers();

    List<Image> images();

    /** Where the prices come from (a dated table). */
    String priceSource();

    /** The currency of the prices, e.g. {@code CNY}. */
    String currency();
}
