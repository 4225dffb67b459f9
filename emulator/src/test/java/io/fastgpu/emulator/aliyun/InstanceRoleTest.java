package io.fastgpu.emulator.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.DeleteInstanceRequest;
import com.aliyun.ecs20140526.models.DescribeInstanceRamRoleRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeRegionsRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.ecs20140526.models.StopInstanceRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.teaopenapi.models.Config;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Instance RAM roles through the official SDK: RunInstances takes a role the account has, the metadata service hands
 * the instance the role's temporary credentials, and the gateway accepts them only with their token, before they
 * expire, and only for stopping, releasing or describing that one instance.
 */
class InstanceRoleTest {
    private static final String ROLE = "FastGpuSelfRelease";
    private static final String DENIED = "Forbidden.RAM";
    private AliyunEmulator emulator;
    private EmulatorFixture.Network net;
    private Client admin;

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private void start(Duration lifetime) throws Exception {
        emulator = new AliyunEmulator(EmulatorFixture.config().instanceRole(ROLE).roleCredentialLifetime(lifetime).build())
                .start();
        net = EmulatorFixture.network(emulator);
        admin = EmulatorFixture.client(emulator);
    }

    private String launch(String role) throws Exception {
        return admin.runInstances(new RunInstancesRequest()
                .setRegionId(EmulatorFixture.REGION)
                .setImageId(EmulatorFixture.IMAGE)
                .setInstanceType("ecs.g7.xlarge")
                .setVSwitchId(net.vSwitchId())
                .setSecurityGroupId(net.securityGroupId())
                .setKeyPairName(net.keyPairName())
                .setRamRoleName(role)).getBody().getInstanceIdSets().getInstanceIdSet().get(0);
    }

    private record Metadata(int status, String body) {}

    private Metadata metadata(String instanceId, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(emulator.metadataUrl(instanceId) + "/latest/meta-data/" + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Metadata(r.statusCode(), r.body());
    }

    private JsonNode credentials(String instanceId) throws Exception {
        Metadata m = metadata(instanceId, "ram/security-credentials/" + ROLE);
        assertThat(m.status()).isEqualTo(200);
        return new ObjectMapper().readTree(m.body());
    }

    /** A client signing with the role's temporary credential; {@code v2}: RPC v1 signatures, else ACS3. */
    private Client roleClient(JsonNode c, String token, String signatureAlgorithm) throws Exception {
        Config config = new Config().setAccessKeyId(c.get("AccessKeyId").asText())
                .setAccessKeySecret(c.get("AccessKeySecret").asText()).setSecurityToken(token)
                .setRegionId(EmulatorFixture.REGION).setEndpoint(emulator.endpoint()).setProtocol("http");
        if (signatureAlgorithm != null) {
            config.setSignatureAlgorithm(signatureAlgorithm);
        }
        return new Client(config);
    }

    private List<String> liveIds() throws Exception {
        return admin.describeInstances(new DescribeInstancesRequest().setRegionId(EmulatorFixture.REGION)).getBody()
                .getInstances().getInstance().stream().map(i -> i.getInstanceId()).toList();
    }

    @Test
    void anUnknownRoleIsRefusedAndAKnownOneIsShownAsTheInstancesRole() throws Exception {
        start(Duration.ofHours(1));
        TeaException e = EmulatorFixture.failure(() -> launch("NoSuchRole"));
        assertThat(e.getCode()).isEqualTo("InvalidRamRole.NotFound");
        assertThat(liveIds()).isEmpty();

        String withRole = launch(ROLE);
        String without = launch(null);
        var sets = admin.describeInstanceRamRole(new DescribeInstanceRamRoleRequest().setRegionId(EmulatorFixture.REGION)
                .setInstanceIds("[\"" + withRole + "\",\"" + without + "\"]")).getBody().getInstanceRamRoleSets()
                .getInstanceRamRoleSet();
        assertThat(sets).hasSize(1);
        assertThat(sets.get(0).getInstanceId()).isEqualTo(withRole);
        assertThat(sets.get(0).getRamRoleName()).isEqualTo(ROLE);
    }

    @Test
    void theMetadataServiceHandsOutTheRolesCredentialsToItsInstanceOnly() throws Exception {
        start(Duration.ofHours(1));
        String withRole = launch(ROLE);
        String without = launch(null);

        assertThat(metadata(withRole, "ram/security-credentials/").body()).isEqualTo(ROLE);
        JsonNode c = credentials(withRole);
        assertThat(c.get("Code").asText()).isEqualTo("Success");
        assertThat(c.get("AccessKeyId").asText()).startsWith("STS.");
        assertThat(c.get("AccessKeySecret").asText()).isNotBlank();
        assertThat(c.get("SecurityToken").asText()).isNotBlank();
        assertThat(Instant.parse(c.get("Expiration").asText())).isAfter(Instant.now().plusSeconds(3000));
        assertThat(credentials(withRole).get("AccessKeyId")).as("the same until they expire").isEqualTo(c.get("AccessKeyId"));

        assertThat(metadata(without, "ram/security-credentials/" + ROLE).status()).isEqualTo(404);
        assertThat(metadata(without, "ram/security-credentials/").status()).isEqualTo(404);
        assertThat(metadata(withRole, "ram/security-credentials/OtherRole").status()).isEqualTo(404);
    }

    @Test
    void aRoleCredentialActsOnItsOwnInstanceOnly() throws Exception {
        start(Duration.ofHours(1));
        String own = launch(ROLE);
        String other = launch(null);
        JsonNode c = credentials(own);
        for (String algorithm : new String[] {null, "v2"}) {
            Client role = roleClient(c, c.get("SecurityToken").asText(), algorithm);
            assertThat(role.describeInstances(new DescribeInstancesRequest().setRegionId(EmulatorFixture.REGION)
                    .setInstanceIds("[\"" + own + "\"]")).getBody().getInstances().getInstance()).hasSize(1);
            assertThat(EmulatorFixture.failure(() -> role.describeInstances(new DescribeInstancesRequest()
                    .setRegionId(EmulatorFixture.REGION).setInstanceIds("[\"" + other + "\"]"))).getCode()).isEqualTo(DENIED);
            assertThat(EmulatorFixture.failure(() -> role.describeInstances(new DescribeInstancesRequest()
                    .setRegionId(EmulatorFixture.REGION))).getCode()).as("every instance").isEqualTo(DENIED);
            assertThat(EmulatorFixture.failure(() -> role.describeRegions(new DescribeRegionsRequest())).getCode())
                    .isEqualTo(DENIED);
            assertThat(EmulatorFixture.failure(() -> role.stopInstance(new StopInstanceRequest().setInstanceId(other)))
                    .getCode()).isEqualTo(DENIED);
            assertThat(EmulatorFixture.failure(() -> role.deleteInstance(new DeleteInstanceRequest().setInstanceId(other)
                    .setForce(true))).getCode()).isEqualTo(DENIED);
        }
        assertThat(liveIds()).containsExactlyInAnyOrder(own, other);

        Client role = roleClient(c, c.get("SecurityToken").asText(), "v2");
        role.deleteInstance(new DeleteInstanceRequest().setInstanceId(own).setForce(true));
        assertThat(liveIds()).containsExactly(other);
    }

    @Test
    void aRoleCredentialNeedsItsOwnTokenUnexpired() throws Exception {
        start(Duration.ofSeconds(2));
        String own = launch(ROLE);
        String other = launch(ROLE);
        JsonNode c = credentials(own);
        String otherToken = credentials(other).get("SecurityToken").asText();
        DescribeInstancesRequest describe = new DescribeInstancesRequest().setRegionId(EmulatorFixture.REGION)
                .setInstanceIds("[\"" + own + "\"]");
        for (String algorithm : new String[] {null, "v2"}) {
            assertThat(EmulatorFixture.failure(() -> roleClient(c, null, algorithm).describeInstances(describe)).getCode())
                    .isEqualTo("MissingSecurityToken");
            assertThat(EmulatorFixture.failure(() -> roleClient(c, otherToken, algorithm).describeInstances(describe))
                    .getCode()).isEqualTo("InvalidSecurityToken.MismatchWithAccessKey");
        }
        Client role = roleClient(c, c.get("SecurityToken").asText(), null);
        assertThat(role.describeInstances(describe).getBody().getInstances().getInstance()).hasSize(1);

        Thread.sleep(Duration.between(Instant.now(), Instant.parse(c.get("Expiration").asText())).toMillis() + 300);
        TeaException expired = EmulatorFixture.failure(() -> role.deleteInstance(new DeleteInstanceRequest()
                .setInstanceId(own).setForce(true)));
        assertThat(expired.getCode()).isEqualTo("InvalidSecurityToken.Expired");
        assertThat(liveIds()).contains(own);
        JsonNode renewed = credentials(own);
        assertThat(renewed.get("AccessKeyId")).as("new credentials once the old expired").isNotEqualTo(c.get("AccessKeyId"));
        roleClient(renewed, renewed.get("SecurityToken").asText(), null)
                .deleteInstance(new DeleteInstanceRequest().setInstanceId(own).setForce(true));
        assertThat(liveIds()).containsExactly(other);
    }
}
