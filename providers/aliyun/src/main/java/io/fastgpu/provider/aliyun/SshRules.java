package io.fastgpu.provider.aliyun;

import io.fastgpu.provider.aliyun.wire.SecurityGroupCalls.Rule;

import java.util.List;

/** What a security group's inbound rules let in: pure functions, so they are tested without a cloud. */
final class SshRules {
    private SshRules() { }

    /** Whether some rule accepts SSH (22/tcp) from {@code address} (dotted IPv4). */
    static boolean allowSsh(List<Rule> rules, String address) {
        long ip = ipv4(address);
        if (ip < 0) return false;
        return rules.stream().anyMatch(r -> acceptsSsh(r) && contains(r.sourceCidr(), ip));
    }

    /** The address blocks SSH (22/tcp) is open to, as the rules write them. */
    static List<String> sshSources(List<Rule> rules) {
        return rules.stream().filter(r -> acceptsSsh(r) && !r.sourceCidr().isEmpty()).map(Rule::sourceCidr).distinct().toList();
    }

    /** Whether the group lets its own machines reach each other on every port. */
    static boolean opensToGroup(List<Rule> rules, String groupId) {
        return rules.stream().anyMatch(r -> groupId.equals(r.sourceGroupId()) && "all".equalsIgnoreCase(r.protocol())
                && !"drop".equalsIgnoreCase(r.policy()));
    }

    private static boolean acceptsSsh(Rule r) {
        if ("drop".equalsIgnoreCase(r.policy())) return false;
        if ("all".equalsIgnoreCase(r.protocol())) return true;
        if (!"tcp".equalsIgnoreCase(r.protocol())) return false;
        String[] ports = r.portRange().split("/");
        try {
            return ports.length == 2 && Integer.parseInt(ports[0].strip()) <= 22 && Integer.parseInt(ports[1].strip()) >= 22;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Whether {@code cidr} ({@code a.b.c.d/n}, or one address) holds {@code ip}. */
    static boolean contains(String cidr, long ip) {
        if (cidr.isEmpty()) return false;
        String[] parts = cidr.strip().split("/", 2);
        long base = ipv4(parts[0]);
        int bits;
        try {
            bits = parts.length == 1 ? 32 : Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        if (base < 0 || bits < 0 || bits > 32) return false;
        long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
        return (base & mask) == (ip & mask);
    }

    /** The address as a number, or -1 when it is not a dotted IPv4 address. */
    static long ipv4(String address) {
        String[] octets = address.strip().split("\\.", -1);
        if (octets.length != 4) return -1;
        long ip = 0;
        for (String o : octets) {
            if (!o.matches("\\d{1,3}")) return -1;
            int v = Integer.parseInt(o);
            if (v > 255) return -1;
            ip = ip << 8 | v;
        }
        return ip;
    }
}
