package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.IMAGE;
import static io.fastgpu.emulator.aliyun.EmulatorFixture.REGION;
import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.AuthorizeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.CreateSecurityGroupRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesResponseBody.DescribeInstancesResponseBodyInstancesInstance;
import com.aliyun.ecs20140526.models.ImportKeyPairRequest;
import com.aliyun.ecs20140526.models.ModifySecurityGroupPolicyRequest;
import com.aliyun.ecs20140526.models.RevokeSecurityGroupRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Security groups enforced on the emulated machines, as the cloud enforces them: rules made through
 * the official ECS SDK, reached with a real SSH client (from outside) or a real TCP connection made by
 * a process of another machine (inside the VPC).
 */
class SecurityGroupEnforcementTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;
    private EmulatedCloud cloud;
    private Client ecs;
    private EmulatorFixture.Network net;
    private SshClient ssh;
    private KeyPair key;
    private int sshPort;

    @AfterEach
    void stop() {
        if (ssh != null) {
            ssh.stop();
        }
        if (cloud != null) {
            cloud.close();
        }
    }

    /** Starts the cloud; enforcement is the emulator's default, so only turning it off is asked for. */
    private void start(boolean enforce) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            sshPort = s.getLocalPort();
        }
        EmulatorConfig.Builder config = EmulatorFixture.config().loopbackAddresses(true);
        if (!enforce) {
            config.enforceSecurityGroups(false);
        }
        cloud = EmulatedCloud.start(config.build(), 0, dir.resolve("machines"), sshPort);
        ecs = EmulatorFixture.client(cloud.api());
        net = EmulatorFixture.network(cloud.api());
        key = KeyUtils.generateKeyPair("ecdsa-sha2-nistp256", 256);
        ecs.importKeyPair(new ImportKeyPairRequest().setRegionId(REGION).setKeyPairName("probe")
                .setPublicKeyBody(PublicKeyEntry.toString(key.getPublic()) + " probe"));
        ssh = SshClient.setUpDefaultClient();
        ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
        ssh.start();
    }

    /** Running instances in {@code groupId} with a public address, their machines up. */
    private List<DescribeInstancesResponseBodyInstancesInstance> launch(String groupId, int amount) throws Exception {
        List<String> ids = ecs.runInstances(new RunInstancesRequest().setRegionId(REGION).setImageId(IMAGE)
                .setInstanceType("ecs.g7.large").setAmount(amount).setSecurityGroupId(groupId)
                .setVSwitchId(net.vSwitchId()).setKeyPairName("probe").setInternetMaxBandwidthOut(1)).getBody()
                .getInstanceIdSets().getInstanceIdSet();
        cloud.awaitMachines(WAIT);
        return ecs.describeInstances(new DescribeInstancesRequest().setRegionId(REGION)
                .setInstanceIds("[\"" + String.join("\",\"", ids) + "\"]")).getBody().getInstances().getInstance();
    }

    private static String publicIp(DescribeInstancesResponseBodyInstancesInstance i) {
        return i.getPublicIpAddress().getIpAddress().get(0);
    }

    private static String privateIp(DescribeInstancesResponseBodyInstancesInstance i) {
        return i.getVpcAttributes().getPrivateIpAddress().getIpAddress().get(0);
    }

    /** What the emulated "what is my IP" service says, as {@code fastgpu addip} asks it. */
    private String myPublicIp() throws Exception {
        String url = cloud.environment(EmulatorFixture.KEY_ID, null).get("FASTGPU_PUBLIC_IP_URL");
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().strip();
    }

    /** {@code fastgpu addip}: SSH open to one address. */
    private AuthorizeSecurityGroupRequest sshFrom(String groupId, String address) {
        return new AuthorizeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(groupId)
                .setIpProtocol("tcp").setPortRange("22/22").setSourceCidrIp(address + "/32").setDescription("addip");
    }

    /** Whether root logs in over SSH at {@code address} and runs a command there. */
    private boolean logsIn(String address) {
        try (ClientSession s = ssh.connect("root", address, sshPort).verify(WAIT).getSession()) {
            s.addPublicKeyIdentity(key);
            s.auth().verify(WAIT);
            return s.executeRemoteCommand("hostname").contains("iZ");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The first bytes the server at {@code address} sends to a plain TCP client from this host ("" when it closes). */
    private String greeting(String address) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, sshPort), 5000);
            s.setSoTimeout(10_000);
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            for (int b; got.size() < 4 && (b = in.read()) >= 0; ) {
                got.write(b);
            }
            return got.toString(StandardCharsets.US_ASCII);
        }
    }

    /** What the SSH server at {@code address} says first to a TCP client run on the machine of {@code from}. */
    private String greetingFrom(DescribeInstancesResponseBodyInstancesInstance from, String address) throws Exception {
        try (ClientSession s = ssh.connect("root", publicIp(from), sshPort).verify(WAIT).getSession()) {
            s.addPublicKeyIdentity(key);
            s.auth().verify(WAIT);
            return s.executeRemoteCommand("bash -c 'exec 3<>/dev/tcp/" + address + "/" + sshPort
                    + " && timeout 10 head -c 4 <&3; echo .'").strip();
        }
    }

    @Test
    void sshFromOutsideGetsInOnlyFromTheCallersAddress() throws Exception {
        start(true);
        var machine = launch(net.securityGroupId(), 1).get(0);
        String me = myPublicIp();
        assertThat(me).isEqualTo(EmulatorConfig.DEFAULT_CALLER_IP).isEqualTo(cloud.api().callerIp());

        // A new group has no rule: the connection is accepted, then closed before the server says a word.
        assertThat(greeting(publicIp(machine))).isEmpty();
        assertThat(logsIn(publicIp(machine))).isFalse();

        ecs.authorizeSecurityGroup(sshFrom(net.securityGroupId(), me));
        assertThat(greeting(publicIp(machine))).isEqualTo("SSH-");
        assertThat(logsIn(publicIp(machine))).isTrue();

        cloud.api().testHooks().setCallerIp("203.0.113.200"); // a new network, a new address
        assertThat(myPublicIp()).isEqualTo("203.0.113.200");
        assertThat(logsIn(publicIp(machine))).isFalse();

        cloud.api().testHooks().setCallerIp(me);
        assertThat(logsIn(publicIp(machine))).isTrue();
        ecs.revokeSecurityGroup(new RevokeSecurityGroupRequest().setRegionId(REGION)
                .setSecurityGroupId(net.securityGroupId()).setIpProtocol("tcp").setPortRange("22/22")
                .setSourceCidrIp(me + "/32"));
        assertThat(logsIn(publicIp(machine))).isFalse();
    }

    @Test
    void privateTrafficStaysWithinTheGroup() throws Exception {
        start(true);
        String group = net.securityGroupId();
        String other = ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION)
                .setVpcId(net.vpcId()).setSecurityGroupName("other")).getBody().getSecurityGroupId();
        ecs.authorizeSecurityGroup(sshFrom(group, myPublicIp()));
        List<DescribeInstancesResponseBodyInstancesInstance> pair = launch(group, 2);
        var a = pair.get(0);
        var b = pair.get(1);
        var c = launch(other, 1).get(0);

        // A basic group lets its own machines reach each other; nothing else reaches a private address.
        assertThat(greetingFrom(a, privateIp(b))).isEqualTo("SSH-.");
        assertThat(greetingFrom(a, privateIp(a))).isEqualTo("SSH-.");
        assertThat(greetingFrom(a, privateIp(c))).isEqualTo(".");
        assertThat(greeting(privateIp(b))).as("this host is not in the VPC").isEmpty();

        ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(other)
                .setIpProtocol("tcp").setPortRange("22/22").setSourceGroupId(group));
        assertThat(greetingFrom(a, privateIp(c))).isEqualTo("SSH-.");

        // Isolated inside, the group's machines need the rule that names the group itself.
        ecs.modifySecurityGroupPolicy(new ModifySecurityGroupPolicyRequest().setRegionId(REGION)
                .setSecurityGroupId(group).setInnerAccessPolicy("Drop"));
        assertThat(greetingFrom(a, privateIp(b))).isEqualTo(".");
        ecs.authorizeSecurityGroup(new AuthorizeSecurityGroupRequest().setRegionId(REGION).setSecurityGroupId(group)
                .setIpProtocol("all").setPortRange("-1/-1").setSourceGroupId(group));
        assertThat(greetingFrom(a, privateIp(b))).isEqualTo("SSH-.");
    }

    @Test
    void withoutEnforcementEveryConnectionGetsIn() throws Exception {
        start(false);
        var machine = launch(net.securityGroupId(), 1).get(0);

        assertThat(logsIn(publicIp(machine))).isTrue(); // no rule at all
        assertThat(greeting(privateIp(machine))).isEqualTo("SSH-");
        assertThat(myPublicIp()).isEqualTo(EmulatorConfig.DEFAULT_CALLER_IP);
    }
}
