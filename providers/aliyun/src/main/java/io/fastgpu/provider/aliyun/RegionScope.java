package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.facet.SharedAccount;

import java.util.List;

/** The account is shared: {@code ls -a} lists everyone's FastGPU machines of the region. */
final class RegionScope implements SharedAccount {
    private final CloudAccess cloud;
    private final InstanceLookup lookup;

    RegionScope(CloudAccess cloud, InstanceLookup lookup) {
        this.cloud = cloud;
        this.lookup = lookup;
    }

    @Override
    public String scope() { return "In Region " + cloud.region(); }

    @Override
    public List<Instance> listAllOwners() { return lookup.list(true); }
}
