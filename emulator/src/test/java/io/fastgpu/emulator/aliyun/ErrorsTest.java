package io.fastgpu.emulator.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeRegionsRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.tea.TeaException;
import com.aliyun.vpc20160428.models.CreateVSwitchRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cloud's refusals, as the SDK surfaces them. */
class ErrorsTest {
    private AliyunEmulator emulator;
    private EmulatorFixture.Network net;
    /** A vSwitch in cn-hangzhou-i, the zone where the A10 type is sold out. */
    private String vSwitchI;

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Client start(EmulatorConfig.Builder config) throws Exception {
        emulator = new AliyunEmulator(config.build()).start();
        net = EmulatorFixture.network(emulator);
        vSwitchI = EmulatorFixture.vpcClient(emulator).createVSwitch(new CreateVSwitchRequest()
                .setRegionId(EmulatorFixture.REGION).setVpcId(net.vpcId()).setZoneId("cn-hangzhou-i")
                .setCidrBlock("192.168.2.0/24")).getBody().getVSwitchId();
        return EmulatorFixture.client(emulator);
    }

    private RunInstancesRequest run(String type, String zone, int amount) {
        return new RunInstancesRequest().setRegionId(EmulatorFixture.REGION).setZoneId(zone)
                .setVSwitchId(zone.equals("cn-hangzhou-i") ? vSwitchI : net.vSwitchId())
                .setSecurityGroupId(net.securityGroupId())
                .setImageId("ubuntu_22_04_x64_20G_alibase_20240101.vhd").setInstanceType(type).setAmount(amount);
    }

    private static TeaException failure(EmulatorFixture.ThrowingCall call) {
        return EmulatorFixture.failure(call);
    }

    @Test
    void aSoldOutZoneAnswersNoStock() throws Exception {
        Client client = start(EmulatorFixture.config());

        TeaException soldOut = failure(() -> client.runInstances(run("ecs.gn7i-c8g1.2xlarge", "cn-hangzhou-i", 1)));
        assertThat(soldOut.getCode()).isEqualTo("OperationDenied.NoStock");
        assertThat(soldOut.getStatusCode()).isEqualTo(403);

        // Stock is consumed by live instances: capacity 2 fits two, not a third.
        emulator.testHooks().setCapacity("cn-hangzhou-h", "ecs.gn6v-c8g1.2xlarge", 2);
        client.runInstances(run("ecs.gn6v-c8g1.2xlarge", "cn-hangzhou-h", 2));
        assertThat(failure(() -> client.runInstances(run("ecs.gn6v-c8g1.2xlarge", "cn-hangzhou-h", 1))).getCode())
                .isEqualTo("OperationDenied.NoStock");
    }

    @Test
    void anUnknownInstanceTypeIsNotSupported() throws Exception {
        Client client = start(EmulatorFixture.config());

        TeaException e = failure(() -> client.runInstances(run("ecs.unicorn.huge", "cn-hangzhou-h", 1)));

        assertThat(e.getCode()).isEqualTo("InvalidInstanceType.ValueNotSupported");
        assertThat(e.getStatusCode()).isEqualTo(400);
        // A known type that the vSwitch's zone does not offer.
        assertThat(failure(() -> client.runInstances(run("ecs.gn7-c12g1.3xlarge", "cn-hangzhou-i", 1))).getCode())
                .isEqualTo("InvalidInstanceType.ZoneNotSupported");
    }

    @Test
    void theInstanceQuotaIsEnforced() throws Exception {
        Client client = start(EmulatorFixture.config().instanceQuota(3));
        client.runInstances(run("ecs.g7.xlarge", "cn-hangzhou-h", 2));

        TeaException e = failure(() -> client.runInstances(run("ecs.g7.xlarge", "cn-hangzhou-h", 2)));

        assertThat(e.getCode()).isEqualTo("QuotaExceed.ElasticQuota");
    }

    @Test
    void missingAndInvalidParameters() throws Exception {
        Client client = start(EmulatorFixture.config());

        assertThat(failure(() -> client.runInstances(run("ecs.g7.xlarge", "cn-hangzhou-h", 1).setImageId(null)))
                .getCode()).isEqualTo("MissingParameter");
        assertThat(failure(() -> client.describeInstances(new DescribeInstancesRequest()
                .setRegionId(EmulatorFixture.REGION).setInstanceIds("i-not-json"))).getCode())
                .isEqualTo("InvalidParameter");
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            tooMany.add("\"i-" + i + "\"");
        }
        assertThat(failure(() -> client.describeInstances(new DescribeInstancesRequest()
                .setRegionId(EmulatorFixture.REGION).setInstanceIds("[" + String.join(",", tooMany) + "]"))).getCode())
                .isEqualTo("InvalidParameter");
        TeaException region = failure(() -> client.describeInstances(new DescribeInstancesRequest().setRegionId("mars-1")));
        assertThat(region.getCode()).isEqualTo("InvalidRegionId.NotFound");
        assertThat(region.getStatusCode()).isEqualTo(404);
        assertThat(region.getMessage()).contains("The RegionId provided does not exist in our records.");
        assertThat(failure(() -> client.runInstances(run("ecs.g7.xlarge", "cn-hangzhou-h", 1).setDryRun(true)))
                .getCode()).isEqualTo("DryRunOperation");
    }

    @Test
    void throttlingAnswersThrottlingUser() throws Exception {
        Client client = start(EmulatorFixture.config().throttle("DescribeRegions", 2));

        List<String> outcomes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            try {
                client.describeRegions(new DescribeRegionsRequest());
                outcomes.add("ok");
            } catch (TeaException e) {
                outcomes.add(e.getCode() + "/" + e.getStatusCode());
            }
        }

        // Ten quick calls span at most a few one-second windows of two calls each.
        assertThat(outcomes).contains("ok", "Throttling.User/400");
        // Counted per action, throttled calls among them.
        AliyunEmulator.CallCount counted = emulator.callCounts().get("DescribeRegions");
        assertThat(counted.calls()).isEqualTo(10);
        assertThat(counted.throttled()).isEqualTo(outcomes.stream().filter(o -> !o.equals("ok")).count());
        // Other actions are not limited.
        client.describeInstances(new DescribeInstancesRequest().setRegionId(EmulatorFixture.REGION));

        // Lifting the limit takes effect at once, even within the throttled window.
        emulator.testHooks().setThrottle("DescribeRegions", 0);
        client.describeRegions(new DescribeRegionsRequest());
    }
}
