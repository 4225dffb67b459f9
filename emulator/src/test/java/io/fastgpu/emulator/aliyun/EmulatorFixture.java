package io.fastgpu.emulator.aliyun;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.CreateKeyPairRequest;
import com.aliyun.ecs20140526.models.CreateSecurityGroupRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import com.aliyun.vpc20160428.models.CreateVSwitchRequest;
import com.aliyun.vpc20160428.models.CreateVpcRequest;
import org.assertj.core.api.Assertions;

/** Builds official SDK clients aimed at a running emulator, and the network instances need. */
final class EmulatorFixture {
    static final String KEY_ID = "LTAI-emulator-test";
    static final String SECRET = "emulator-test-secret";
    static final String REGION = "cn-hangzhou";
    static final String ZONE = "cn-hangzhou-h";
    static final String IMAGE = "ubuntu_22_04_x64_20G_alibase_20240101.vhd";

    private EmulatorFixture() {}

    static EmulatorConfig.Builder config() {
        return EmulatorConfig.builder().accessKey(KEY_ID, SECRET);
    }

    /** A client using the SDK's default signature (ACS3-HMAC-SHA256). */
    static Client client(AliyunEmulator emulator) throws Exception {
        return client(emulator, KEY_ID, SECRET, null);
    }

    /**
     * @param signatureAlgorithm null for the default (ACS3); {@code "v2"} makes the SDK fall back to
     *     the RPC v1 HMAC-SHA1 signature
     */
    static Client client(AliyunEmulator emulator, String keyId, String secret, String signatureAlgorithm)
            throws Exception {
        return new Client(sdkConfig(emulator, keyId, secret, signatureAlgorithm));
    }

    /** A VPC API client (ACS3 signature). */
    static com.aliyun.vpc20160428.Client vpcClient(AliyunEmulator emulator) throws Exception {
        return new com.aliyun.vpc20160428.Client(sdkConfig(emulator, KEY_ID, SECRET, null));
    }

    /** A NAS API client: this SDK signs its RPC calls with HMAC-SHA1. */
    static com.aliyun.nas20170626.Client nasClient(AliyunEmulator emulator) throws Exception {
        return new com.aliyun.nas20170626.Client(sdkConfig(emulator, KEY_ID, SECRET, null));
    }

    private static Config sdkConfig(AliyunEmulator emulator, String keyId, String secret, String signatureAlgorithm) {
        Config config = new Config()
                .setAccessKeyId(keyId)
                .setAccessKeySecret(secret)
                .setRegionId(REGION)
                .setEndpoint(emulator.endpoint())
                .setProtocol("http");
        if (signatureAlgorithm != null) {
            config.setSignatureAlgorithm(signatureAlgorithm);
        }
        return config;
    }

    /** What RunInstances needs: a VPC with a vSwitch in {@link #ZONE}, a security group and a key pair. */
    record Network(String vpcId, String vSwitchId, String securityGroupId, String keyPairName) {}

    /** Creates a 192.168.0.0/16 VPC, a 192.168.1.0/24 vSwitch, a security group and key pair {@code fastgpu}. */
    static Network network(AliyunEmulator emulator) throws Exception {
        var vpc = vpcClient(emulator);
        String vpcId = vpc.createVpc(new CreateVpcRequest().setRegionId(REGION).setCidrBlock("192.168.0.0/16")
                .setVpcName("fastgpu")).getBody().getVpcId();
        String vSwitchId = vpc.createVSwitch(new CreateVSwitchRequest().setRegionId(REGION).setVpcId(vpcId)
                .setZoneId(ZONE).setCidrBlock("192.168.1.0/24").setVSwitchName("fastgpu-h")).getBody().getVSwitchId();
        Client ecs = client(emulator);
        String groupId = ecs.createSecurityGroup(new CreateSecurityGroupRequest().setRegionId(REGION).setVpcId(vpcId)
                .setSecurityGroupName("fastgpu")).getBody().getSecurityGroupId();
        ecs.createKeyPair(new CreateKeyPairRequest().setRegionId(REGION).setKeyPairName("fastgpu"));
        return new Network(vpcId, vSwitchId, groupId, "fastgpu");
    }

    /** The SDK exception a call throws (fails the test when it succeeds). */
    static TeaException failure(ThrowingCall call) {
        TeaException e = Assertions.catchThrowableOfType(TeaException.class, call::run);
        Assertions.assertThat(e).as("the call should have failed with an API error").isNotNull();
        return e;
    }

    /** A call that may throw. */
    interface ThrowingCall {
        void run() throws Exception;
    }
}
