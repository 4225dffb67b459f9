package io.fastgpu.provider.aliyun;

import io.fastgpu.api.InstanceState;
import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls.Rule;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The pure parts: which rules let SSH in from an address, and the status words. */
class SshRulesTest {
    private static Rule rule(String protocol, String ports, String cidr, String policy) {
        return new Rule(protocol, ports, cidr, "", policy, "");
    }

    @Test
    void anAddressIsLetInByAnAcceptRuleForPort22ThatHoldsIt() {
        assertThat(SshRules.allowSsh(List.of(rule("TCP", "22/22", "198.51.100.7/32", "Accept")), "198.51.100.7")).isTrue();
        assertThat(SshRules.allowSsh(List.of(rule("tcp", "22/22", "198.51.100.7", "accept")), "198.51.100.7")).isTrue();
        assertThat(SshRules.allowSsh(List.of(rule("tcp", "1/1024", "198.51.100.0/24", "accept")), "198.51.100.200")).isTrue();
        assertThat(SshRules.allowSsh(List.of(rule("ALL", "-1/-1", "0.0.0.0/0", "Accept")), "203.0.113.9")).isTrue();

        assertThat(SshRules.allowSsh(List.of(rule("tcp", "22/22", "198.51.100.7/32", "accept")), "198.51.100.8")).isFalse();
        assertThat(SshRules.allowSsh(List.of(rule("tcp", "22/22", "198.51.100.0/24", "drop")), "198.51.100.7")).isFalse();
        assertThat(SshRules.allowSsh(List.of(rule("tcp", "80/443", "0.0.0.0/0", "accept")), "198.51.100.7")).isFalse();
        assertThat(SshRules.allowSsh(List.of(rule("udp", "22/22", "0.0.0.0/0", "accept")), "198.51.100.7")).isFalse();
        assertThat(SshRules.allowSsh(List.of(new Rule("all", "-1/-1", "", "sg-1", "accept", "")), "198.51.100.7")).isFalse();
        assertThat(SshRules.allowSsh(List.of(rule("tcp", "22/22", "198.51.100.7/32", "accept")), "not-an-ip")).isFalse();
    }

    @Test
    void sourcesAreTheBlocksSshIsOpenTo() {
        assertThat(SshRules.sshSources(List.of(rule("tcp", "22/22", "203.0.113.5/32", "accept"),
                new Rule("all", "-1/-1", "", "sg-1", "accept", ""), rule("tcp", "22/22", "10.0.0.0/8", "drop"))))
                .containsExactly("203.0.113.5/32");
    }

    @Test
    void blocksAndAddresses() {
        assertThat(SshRules.contains("10.0.0.0/8", SshRules.ipv4("10.255.1.2"))).isTrue();
        assertThat(SshRules.contains("10.0.0.0/8", SshRules.ipv4("11.0.0.1"))).isFalse();
        assertThat(SshRules.contains("0.0.0.0/0", SshRules.ipv4("255.255.255.255"))).isTrue();
        assertThat(SshRules.contains("10.0.0.0/33", SshRules.ipv4("10.0.0.0"))).isFalse();
        assertThat(SshRules.ipv4("256.1.1.1")).isEqualTo(-1);
        assertThat(SshRules.ipv4("1.2.3")).isEqualTo(-1);
    }

    @Test
    void statusWordsMapToStatesAndUnknownOnesAreUnrecognized() {
        assertThat(InstanceStates.of("Pending")).isEqualTo(InstanceState.PENDING);
        assertThat(InstanceStates.of("Starting")).isEqualTo(InstanceState.STARTING);
        assertThat(InstanceStates.of("Running")).isEqualTo(InstanceState.RUNNING);
        assertThat(InstanceStates.of("Stopping")).isEqualTo(InstanceState.STOPPING);
        assertThat(InstanceStates.of("Stopped")).isEqualTo(InstanceState.STOPPED);
        assertThat(InstanceStates.of("Expired")).isEqualTo(InstanceState.UNRECOGNIZED);
        assertThat(InstanceStates.of(null)).isEqualTo(InstanceState.UNRECOGNIZED);
    }
}
