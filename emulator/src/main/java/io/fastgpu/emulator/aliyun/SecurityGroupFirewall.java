package io.fastgpu.emulator.aliyun;

import io.fastgpu.emulator.machine.InboundConnection;
import io.fastgpu.emulator.machine.IngressFilter;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The security groups of the emulated cloud, enforced on the machines' SSH servers (SSH is TCP port
 * 22 to the rules, whatever port the emulator's machines use). The emulator tells where a connection
 * comes from by the address it was made to, since on loopback every client's address is 127.0.0.1:
 *
 * <ul>
 *   <li>to an instance's public address: from the internet, that is from the caller's address
 *       ({@link EmulatorConfig#callerIp}), whoever the client really is;</li>
 *   <li>to an instance's private address: from the emulated instance whose process opened it (found
 *       in {@code /proc}: the instance marker in the client process's environment), over the
 *       internal network of the VPC; a client that is no instance's process (this host, a test, the
 *       emulator itself), or an instance of another VPC, is not on that network and is refused, as
 *       the internet cannot reach a private address. An instance always reaches itself.</li>
 * </ul>
 *
 * Limits: only the SSH servers are guarded (other ports machines listen on are this host's sockets,
 * open to all); an instance reaching another's public address counts as the caller, not as itself;
 * established connections stay when a rule goes (security groups are stateful); Linux only.
 */
final class SecurityGroupFirewall implements IngressFilter {
    private static final int SSH_PORT = 22;

    private final AliyunEmulator api;

    SecurityGroupFirewall(AliyunEmulator api) {
        this.api = api;
    }

    @Override
    public boolean admits(String instanceId, InboundConnection connection) {
        String dialled = connection.localAddress();
        InstanceRecord target = api.read(cloud -> cloud.state.instance(instanceId));
        if (target == null) {
            return false; // released: nothing answers
        }
        if (dialled.equals(target.publicIp())) {
            return api.read(cloud -> admit(cloud, target, IngressRules.Source.internet(cloud.callerIp())));
        }
        if (!dialled.equals(target.privateIp())) {
            return false;
        }
        Optional<String> from = connection.sourceInstance(); // reads /proc: outside the state lock
        if (from.isEmpty()) {
            return false;
        }
        if (from.get().equals(instanceId)) {
            return true;
        }
        return api.read(cloud -> {
            InstanceRecord source = cloud.state.instance(from.get());
            if (source == null || !source.vpcId().equals(target.vpcId())) {
                return false;
            }
            return admit(cloud, target, new IngressRules.Source(source.privateIp(), source.instanceId(),
                    Set.of(source.securityGroupId())));
        });
    }

    private static boolean admit(Cloud cloud, InstanceRecord target, IngressRules.Source source) {
        SecurityGroupRecord group = cloud.state.securityGroups.get(target.securityGroupId());
        return group != null && IngressRules.admit(List.of(group), source, "TCP", SSH_PORT);
    }
}
