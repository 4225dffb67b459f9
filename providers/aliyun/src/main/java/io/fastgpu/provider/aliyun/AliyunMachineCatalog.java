package io.fastgpu.provider.aliyun;

import io.fastgpu.core.spi.facet.MachineCatalog;

import java.util.List;

/** The GPU instance types of the bundled table ({@code querygpu}) and the region's public images ({@code queryimage}). */
final class AliyunMachineCatalog implements MachineCatalog {
    private final CloudAccess cloud;

    AliyunMachineCatalog(CloudAccess cloud) { this.cloud = cloud; }

    @Override
    public List<GpuOffer> gpuOffers() {
        return cloud.catalog().gpuTypes().stream()
                .map(t -> new GpuOffer(t.id(), t.gpuModel(), t.gpuCount(), t.gpuMemoryGb(), t.vcpu(), t.memoryGb(), t.pricePerHour()))
                .toList();
    }

    @Override
    public List<Image> images() {
        return new Images(cloud.api()).list().stream().map(i -> new Image(i.id(), i.name(), i.os(), i.sizeGb(), i.created())).toList();
    }

    @Override
    public String priceSource() { return AliyunPricing.sourceOf(cloud.catalog()); }

    @Override
    public String currency() { return "CNY"; }
}
