package io.fastgpu.emulator.aliyun;

import io.fastgpu.emulator.aliyun.SecurityGroupRecord.Permission;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and checks the inbound rules of an AuthorizeSecurityGroup or RevokeSecurityGroup call,
 * given either flat ({@code IpProtocol}, {@code PortRange}, ...) or as {@code Permissions.N.*}.
 */
final class SecurityGroupRuleParser {
    private static final Set<String> PROTOCOLS = Set.of("TCP", "UDP", "ICMP", "ICMPV6", "GRE", "ALL");
    private static final Pattern PERMISSION = Pattern.compile("Permissions\\.(\\d+)\\.(\\w+)");
    private static final List<String> RULE_FIELDS = List.of("IpProtocol", "PortRange", "SourceCidrIp",
            "SourceGroupId", "Policy", "Priority", "NicType", "Description");

    private final Cloud cloud;
    private final EmulatorState state;

    SecurityGroupRuleParser(Cloud cloud) {
        this.cloud = cloud;
        this.state = cloud.state;
    }

    /**
     * The checked rules of an AuthorizeSecurityGroup ({@code revoke} false) or RevokeSecurityGroup
     * call on {@code group}. The two calls word some errors differently, as the API reference
     * documents: a bad protocol is {@code InvalidIpProtocol.ValueNotSupported} in both, a malformed
     * port range {@code InvalidIpProtocol.Malformed} when adding and {@code InvalidIpPortRange.Malformed}
     * when revoking.
     */
    List<Permission> parse(ApiRequest req, SecurityGroupRecord group, boolean revoke) {
        List<Permission> rules = new ArrayList<>();
        for (Map<String, String> spec : ruleSpecs(req)) {
            rules.add(checkRule(spec, group, revoke));
        }
        return rules;
    }

    /**
     * The rules of the call: {@code Permissions.N.*} entries, or the flat parameters as one rule;
     * giving both is a conflict, as the API documents.
     */
    private static List<Map<String, String>> ruleSpecs(ApiRequest req) {
        TreeMap<Integer, Map<String, String>> indexed = new TreeMap<>();
        req.params().forEach((k, v) -> {
            Matcher m = PERMISSION.matcher(k);
            if (m.matches() && !v.isEmpty()) {
                indexed.computeIfAbsent(Integer.parseInt(m.group(1)), n -> new TreeMap<>()).put(m.group(2), v);
            }
        });
        Map<String, String> flat = new TreeMap<>();
        for (String field : RULE_FIELDS) {
            if (req.param(field) != null) {
                flat.put(field, req.param(field));
            }
        }
        boolean flatRule = flat.containsKey("IpProtocol") || flat.containsKey("PortRange")
                || flat.containsKey("SourceCidrIp") || flat.containsKey("SourceGroupId");
        if (!indexed.isEmpty() && flatRule) {
            throw new ApiError(400, "InvalidParameter.Conflict",
                    "The parameters with the Permissions.N prefix and the ones without it cannot be specified together.");
        }
        return indexed.isEmpty() ? List.of(flat) : new ArrayList<>(indexed.values());
    }

    private Permission checkRule(Map<String, String> spec, SecurityGroupRecord group, boolean revoke) {
        String protocol = protocol(spec, revoke);
        int[] ports = ports(spec, protocol, revoke);
        String cidr = spec.get("SourceCidrIp");
        String sourceGroup = spec.get("SourceGroupId");
        String nicType = spec.getOrDefault("NicType", "intranet");
        checkSource(cidr, sourceGroup, nicType, group, revoke);
        String policy = spec.getOrDefault("Policy", "accept").toLowerCase(Locale.ROOT);
        if (!policy.equals("accept") && !policy.equals("drop")) {
            throw new ApiError(400, "InvalidPolicy.Malformed", "The specified parameter \"Policy\" is not valid.");
        }
        String priority = spec.getOrDefault("Priority", "1");
        if (!priority.matches("\\d{1,3}") || Integer.parseInt(priority) < 1 || Integer.parseInt(priority) > 100) {
            throw new ApiError(400, "InvalidPriority.Malformed", "The parameter Priority is invalid.");
        }
        if (!nicType.equals("intranet") && !nicType.equals("internet")) {
            throw new ApiError(400, "InvalidNicType.ValueNotSupported", "The specified NicType does not exist.");
        }
        return new Permission(cloud.newId("sgr-", 20, id -> false), "ingress", protocol, ports[0] + "/" + ports[1],
                cidr, cidr == null ? sourceGroup : null, policy.equals("accept") ? "Accept" : "Drop",
                String.valueOf(Integer.parseInt(priority)), nicType, spec.getOrDefault("Description", ""), cloud.now());
    }

    /** {@code IpProtocol}, upper case: TCP, UDP, ICMP, ICMPV6, GRE or ALL (any case in the request). */
    private static String protocol(Map<String, String> spec, boolean revoke) {
        String value = spec.get("IpProtocol");
        if (value == null) {
            throw ApiError.missingParameter("IpProtocol");
        }
        String protocol = value.toUpperCase(Locale.ROOT);
        if (!PROTOCOLS.contains(protocol)) {
            throw new ApiError(400, "InvalidIpProtocol.ValueNotSupported", revoke
                    ? "The specified IpProtocol does not exist."
                    : "The parameter IpProtocol must be specified with case insensitive TCP, UDP, ICMP, GRE or All.");
        }
        return protocol;
    }

    /** {@code PortRange}: {@code start/end} within 1..65535 for TCP and UDP, {@code -1/-1} for the others. */
    private static int[] ports(Map<String, String> spec, String protocol, boolean revoke) {
        String value = spec.get("PortRange");
        if (value == null) {
            throw ApiError.missingParameter("PortRange");
        }
        ApiError malformed = revoke
                ? new ApiError(400, "InvalidIpPortRange.Malformed", "The specified parameter \"PortRange\" is not valid.")
                : new ApiError(400, "InvalidIpProtocol.Malformed", "The specified parameter \"PortRange\" is not valid.");
        String[] parts = value.split("/", -1);
        int[] ports;
        try {
            if (parts.length != 2) {
                throw malformed;
            }
            ports = new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
        } catch (NumberFormatException e) {
            throw malformed;
        }
        boolean withPorts = protocol.equals("TCP") || protocol.equals("UDP");
        boolean fits = withPorts ? ports[0] >= 1 && ports[1] <= 65535 && ports[0] <= ports[1]
                : ports[0] == -1 && ports[1] == -1;
        if (!fits) {
            throw revoke ? malformed : new ApiError(400, "OperationDenied",
                    "The specified IpProtocol does not exist or IpProtocol and PortRange do not match.");
        }
        return ports;
    }

    /** A CIDR block or address, or a group of the same region and VPC reached over the internal network. */
    private void checkSource(String cidr, String sourceGroup, String nicType, SecurityGroupRecord group,
            boolean revoke) {
        if (cidr == null && sourceGroup == null) {
            throw new ApiError(revoke ? 400 : 403, "MissingParameter",
                    "The input parameter \"SourceGroupId\" or \"SourceCidrIp\" cannot be both blank.");
        }
        if (cidr != null && Cidr.parse(cidr) == null && Cidr.parseAddress(cidr) == null) {
            throw new ApiError(400, "InvalidSourceCidrIp.Malformed",
                    "The specified parameter \"SourceCidrIp\" is not valid.");
        }
        if (sourceGroup == null || cidr != null) {
            return; // with both, the CIDR block counts
        }
        SecurityGroupRecord source = state.securityGroups.get(sourceGroup);
        if (source == null || !source.regionId().equals(group.regionId())) {
            throw new ApiError(404, "InvalidSourceGroupId.NotFound",
                    "The SourceGroupId provided does not exist in our records.");
        }
        if (!source.vpcId().equals(group.vpcId())) {
            throw new ApiError(400, "InvalidSourceGroupId.Mismatch",
                    "Specified security group and source group are not in the same VPC.");
        }
        if (!nicType.equals("intranet")) {
            throw new ApiError(403, "InvalidSourceGroupId.Mismatch", "NicType is required or NicType expects intranet.");
        }
    }
}
