package io.fastgpu.provider.aliyun;

import io.fastgpu.core.util.PublicAddress;
import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls.Rule;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Lets the launching machine reach the machines it buys: the FastGPU security group opens SSH only to given
 * addresses, so a first launch would make machines nobody can log into. Before buying, the caller's public address
 * is found ({@code FASTGPU_PUBLIC_IP_URL}) and, when no rule lets it in, SSH (22/tcp) is opened to that /32. When
 * the address cannot be found, the launch goes on only if {@code fastgpu addip} opened SSH to some address already.
 */
final class CallerAccess {
    private final CloudAccess cloud;

    CallerAccess(CloudAccess cloud) { this.cloud = cloud; }

    /**
     * For each of the networks, the caller's /32 when SSH is not open to it yet; changes nothing. Fails before anything
     * is bought when the address cannot be found and nothing is open.
     */
    Map<String, String> plan(Collection<String> vpcNames) {
        String address = null;
        PublicAddress.NotFound problem = null;
        try {
            address = callerAddress();
        } catch (PublicAddress.NotFound e) {
            problem = e;
        }
        Map<String, String> open = new LinkedHashMap<>();
        for (String vpcName : vpcNames) {
            Network net = cloud.network(vpcName);
            List<Rule> rules = net.existingSecurityGroup().map(net::rules).orElse(List.of());
            if (problem == null) {
                if (!SshRules.allowSsh(rules, address)) open.put(net.vpcName(), address + "/32");
                continue;
            }
            List<String> sources = SshRules.sshSources(rules);
            if (sources.isEmpty()) {
                throw new FastGpuException(problem.getMessage() + ", so the new machines would not let this one in over SSH;"
                        + " run 'fastgpu addip --ip YOUR.ADDRESS' first, or set " + PublicAddress.URL_SETTING
                        + " to a service that answers your address");
            }
            cloud.events().on(new Event.Notice(Event.Level.WARN, problem.getMessage() + "; SSH to the machines is open only to "
                    + String.join(", ", sources) + " ('fastgpu addip --ip' adds yours)"));
        }
        return open;
    }

    /** Opens what {@link #plan} found missing, unless it was opened meanwhile; creates the network when needed. */
    void open(Map<String, String> planned) {
        planned.forEach((vpcName, cidr) -> {
            Network net = cloud.network(vpcName);
            String group = net.securityGroup();
            String address = cidr.replaceFirst("/32$", "");
            if (SshRules.allowSsh(net.rules(group), address)) return;
            cloud.events().on(new Event.Notice(Event.Level.INFO, "Opening SSH (22/tcp) in security group " + net.securityGroupName()
                    + " to " + cidr + " (this machine, as the cloud sees it) so that it can reach its machines"));
            net.allowSsh(cidr, "FastGPU: the launching machine");
        });
    }

    /**
     * The address the cloud sees this machine at: asked of {@code FASTGPU_PUBLIC_IP_URL}, or of the default service.
     * Always asked, whatever the endpoint: the emulator answers its own emulated caller address there, and its machines
     * let in only what their security group allows, as the cloud's do.
     */
    String callerAddress() {
        AliyunSettings s = cloud.settings();
        return PublicAddress.lookup(s.publicIpUrl().isEmpty() ? PublicAddress.DEFAULT_URL : s.publicIpUrl());
    }
}
