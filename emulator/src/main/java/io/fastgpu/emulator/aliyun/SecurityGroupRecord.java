package io.fastgpu.emulator.aliyun;

import java.util.List;

/**
 * A (basic, VPC) security group and its rules, as stored and persisted.
 *
 * @param innerAccessPolicy {@code Accept} (the default of basic groups: its instances reach each other
 *     whatever the rules say) or {@code Drop} (they are isolated unless a rule lets them in); null in
 *     state files written before it was kept, and read as {@code Accept}
 */
record SecurityGroupRecord(String securityGroupId, String regionId, String vpcId, String securityGroupName,
        String description, String creationTime, List<Tag> tags, List<Permission> permissions,
        String innerAccessPolicy) {
    static final String ACCEPT = "Accept";
    static final String DROP = "Drop";


    /**
     * One rule. Two rules are the same rule when all of protocol, ports, source, policy, priority and
     * NIC type agree (the rule id and description do not count).
     *
     * @param ipProtocol upper case: TCP, UDP, ICMP, GRE or ALL
     * @param portRange {@code start/end}; {@code -1/-1} for protocols without ports
     * @param policy Accept or Drop
     */
    record Permission(String securityGroupRuleId, String direction, String ipProtocol, String portRange,
            String sourceCidrIp, String sourceGroupId, String policy, String priority, String nicType,
            String description, String createTime) {

        boolean sameRuleAs(Permission other) {
            return direction.equals(other.direction) && ipProtocol.equals(other.ipProtocol)
                    && portRange.equals(other.portRange)
                    && String.valueOf(sourceCidrIp).equals(String.valueOf(other.sourceCidrIp))
                    && String.valueOf(sourceGroupId).equals(String.valueOf(other.sourceGroupId))
                    && policy.equals(other.policy) && priority.equals(other.priority) && nicType.equals(other.nicType);
        }
    }

    SecurityGroupRecord {
        tags = tags == null ? List.of() : List.copyOf(tags);
        permissions = permissions == null ? List.of() : List.copyOf(permissions);
        innerAccessPolicy = innerAccessPolicy == null ? ACCEPT : innerAccessPolicy;
    }

    boolean innerAccessAccepted() {
        return innerAccessPolicy.equals(ACCEPT);
    }

    SecurityGroupRecord withTags(List<Tag> newTags) {
        return new SecurityGroupRecord(securityGroupId, regionId, vpcId, securityGroupName, description, creationTime,
                newTags, permissions, innerAccessPolicy);
    }

    SecurityGroupRecord withPermissions(List<Permission> newPermissions) {
        return new SecurityGroupRecord(securityGroupId, regionId, vpcId, securityGroupName, description, creationTime,
                tags, newPermissions, innerAccessPolicy);
    }

    SecurityGroupRecord withInnerAccessPolicy(String policy) {
        return new SecurityGroupRecord(securityGroupId, regionId, vpcId, securityGroupName, description, creationTime,
                tags, permissions, policy);
    }
}
