package io.fastgpu.emulator.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import io.fastgpu.emulator.aliyun.IngressRules.Source;
import io.fastgpu.emulator.aliyun.SecurityGroupRecord.Permission;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the rules of basic security groups decide on inbound traffic. */
class IngressRulesTest {
    private static final Source CALLER = Source.internet("198.51.100.7");
    private static final Source PEER = new Source("127.78.0.2", "i-peer", Set.of("sg-a"));
    private static final Source STRANGER = new Source("127.78.0.3", "i-stranger", Set.of("sg-b"));

    private static Permission rule(String protocol, String ports, String cidr, String group, String policy, int priority) {
        return new Permission("sgr-" + protocol + ports + cidr + group + policy + priority, "ingress", protocol, ports,
                cidr, group, policy, String.valueOf(priority), "intranet", "", "2024-01-01T00:00:00Z");
    }

    private static SecurityGroupRecord group(String innerAccessPolicy, Permission... rules) {
        return new SecurityGroupRecord("sg-a", "cn-hangzhou", "vpc-1", "a", "", "2024-01-01T00:00:00Z", List.of(),
                List.of(rules), innerAccessPolicy);
    }

    private static boolean ssh(SecurityGroupRecord g, Source from) {
        return IngressRules.admit(List.of(g), from, "TCP", 22);
    }

    @Test
    void nothingGetsInWithoutARuleButTheGroupsOwnMachines() {
        SecurityGroupRecord open = group("Accept");
        assertThat(ssh(open, CALLER)).isFalse();
        assertThat(ssh(open, STRANGER)).isFalse();
        assertThat(ssh(open, PEER)).isTrue();
        assertThat(ssh(group("Drop"), PEER)).isFalse();
    }

    @Test
    void aCidrRuleLetsInItsAddressesOnItsProtocolAndPorts() {
        SecurityGroupRecord g = group("Accept", rule("TCP", "22/22", "198.51.100.7/32", null, "Accept", 1));
        assertThat(ssh(g, CALLER)).isTrue();
        assertThat(ssh(g, Source.internet("198.51.100.8"))).isFalse();
        assertThat(IngressRules.admit(List.of(g), CALLER, "TCP", 23)).isFalse();
        assertThat(IngressRules.admit(List.of(g), CALLER, "UDP", 22)).isFalse();
        assertThat(ssh(group("Accept", rule("ALL", "-1/-1", "198.51.100.0/24", null, "Accept", 1)), CALLER)).isTrue();
        assertThat(ssh(group("Accept", rule("TCP", "1/1024", "198.51.100.7", null, "Accept", 1)), CALLER)).isTrue();
    }

    @Test
    void aGroupRuleLetsInThatGroupsMachinesOverTheInternalNetworkOnly() {
        SecurityGroupRecord g = group("Drop", rule("ALL", "-1/-1", null, "sg-b", "Accept", 1));
        assertThat(ssh(g, STRANGER)).isTrue();
        assertThat(ssh(g, PEER)).isFalse();
        assertThat(ssh(g, CALLER)).isFalse();
        assertThat(ssh(group("Drop", rule("ALL", "-1/-1", null, "sg-a", "Accept", 1)), PEER)).isTrue();
    }

    @Test
    void theHighestPriorityDecidesAndDropWinsATie() {
        Permission allowAll = rule("TCP", "22/22", "0.0.0.0/0", null, "Accept", 2);
        Permission dropCaller = rule("TCP", "22/22", "198.51.100.7/32", null, "Drop", 1);
        assertThat(ssh(group("Accept", allowAll, dropCaller), CALLER)).isFalse();
        assertThat(ssh(group("Accept", allowAll, dropCaller), Source.internet("203.0.113.1"))).isTrue();
        assertThat(ssh(group("Accept", rule("TCP", "22/22", "0.0.0.0/0", null, "Accept", 1),
                rule("ALL", "-1/-1", "198.51.100.0/24", null, "Drop", 1)), CALLER)).isFalse();
        assertThat(ssh(group("Accept", rule("TCP", "22/22", "198.51.100.7/32", null, "Accept", 1),
                rule("ALL", "-1/-1", "0.0.0.0/0", null, "Drop", 100)), CALLER)).isTrue();
    }

    @Test
    void anAcceptingInnerPolicyOutranksADropRule() {
        assertThat(ssh(group("Accept", rule("ALL", "-1/-1", "0.0.0.0/0", null, "Drop", 1)), PEER)).isTrue();
    }
}
