package io.fastgpu.emulator.aliyun;

import io.fastgpu.emulator.aliyun.SecurityGroupRecord.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Whether the security groups of an instance let an inbound connection in, as ECS evaluates basic
 * security groups:
 *
 * <ul>
 *   <li>between two instances of one group whose internal access policy is {@code Accept} (the
 *       default), everything passes, whatever the rules say;</li>
 *   <li>else the rules of all the instance's groups that match the traffic (protocol, destination
 *       port, and source: a CIDR block holding the source address, or a group the source instance is
 *       in) are taken together; the one with the highest priority (lowest number) decides, a Drop
 *       winning over an Accept of the same priority;</li>
 *   <li>traffic no rule matches is dropped.</li>
 * </ul>
 *
 * Group rules ({@code SourceGroupId}) only match traffic between instances over the internal network.
 */
final class IngressRules {
    private IngressRules() {}

    /**
     * Where traffic comes from.
     *
     * @param address the source address as the destination's network sees it
     * @param instanceId the emulated instance it comes from over the internal network, or null (the internet)
     * @param groupIds that instance's security groups (empty for the internet)
     */
    record Source(String address, String instanceId, Set<String> groupIds) {
        Source {
            groupIds = Set.copyOf(groupIds);
        }

        /** Traffic from the internet, from {@code address}. */
        static Source internet(String address) {
            return new Source(address, null, Set.of());
        }
    }

    /** Whether {@code groups} (the destination's) admit {@code protocol} (upper case) to {@code port} from {@code source}. */
    static boolean admit(List<SecurityGroupRecord> groups, Source source, String protocol, int port) {
        for (SecurityGroupRecord g : groups) {
            if (g.innerAccessAccepted() && source.groupIds().contains(g.securityGroupId())) {
                return true;
            }
        }
        List<Permission> matching = new ArrayList<>();
        for (SecurityGroupRecord g : groups) {
            for (Permission p : g.permissions()) {
                if (p.direction().equals("ingress") && protocolMatches(p, protocol) && portMatches(p, port)
                        && sourceMatches(p, source)) {
                    matching.add(p);
                }
            }
        }
        int best = matching.stream().mapToInt(p -> Integer.parseInt(p.priority())).min().orElse(Integer.MAX_VALUE);
        List<Permission> decisive = matching.stream().filter(p -> Integer.parseInt(p.priority()) == best).toList();
        return !decisive.isEmpty() && decisive.stream().noneMatch(p -> p.policy().equals("Drop"));
    }

    private static boolean protocolMatches(Permission p, String protocol) {
        return p.ipProtocol().equals("ALL") || p.ipProtocol().equals(protocol);
    }

    private static boolean portMatches(Permission p, int port) {
        String[] range = p.portRange().split("/");
        int from = Integer.parseInt(range[0]);
        int to = Integer.parseInt(range[1]);
        return from == -1 || (port >= from && port <= to);
    }

    private static boolean sourceMatches(Permission p, Source source) {
        if (p.sourceCidrIp() != null) {
            Long address = Cidr.parseAddress(source.address());
            if (address == null) {
                return false;
            }
            Cidr block = Cidr.parse(p.sourceCidrIp());
            Long single = block == null ? Cidr.parseAddress(p.sourceCidrIp()) : null;
            return block != null ? block.contains(address) : address.equals(single);
        }
        return p.sourceGroupId() != null && source.groupIds().contains(p.sourceGroupId());
    }
}
