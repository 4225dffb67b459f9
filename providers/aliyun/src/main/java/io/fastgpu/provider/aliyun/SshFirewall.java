package io.fastgpu.provider.aliyun;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.core.spi.facet.Firewall;

/** {@code fastgpu addip}: opens SSH in the security group of the region's FastGPU network to an address. */
final class SshFirewall implements Firewall {
    private final CloudAccess cloud;

    SshFirewall(CloudAccess cloud) { this.cloud = cloud; }

    @Override
    public void allowSsh(String address) {
        if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?")) {
            throw new InvalidSpecException("'" + address + "' is not an IPv4 address (like 203.0.113.7 or 203.0.113.0/24)");
        }
        cloud.network(null).allowSsh(address, "FastGPU addip");
    }
}
