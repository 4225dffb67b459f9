package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.provider.aliyun.wire.CloudInstance;
import io.fastgpu.provider.aliyun.wire.InstanceCalls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** validate() decides and changes nothing; create() carries out what the plan says, without deciding again. */
class AliyunPlanTest {
    @TempDir Path dir;

    private static final String UBUNTU = "ubuntu_22_04_x64_20G_alibase_20240101.vhd";
    private static final String ALINUX = "aliyun_3_x64_20G_alibase_20240103.vhd";

    private static List<CreateRequest> one(String name) {
        return List.of(new CreateRequest(name, new Resources("ecs.g7.xlarge", "", false, 40), "", Map.of("fastgpu:job", "plan"), Map.of()));
    }

    @Test
    void validatingTwiceChangesNothingAndThePlanSaysWhatCreateWillDo() {
        try (CloudFixture cloud = new CloudFixture(dir); AliyunProvider p = cloud.provider(dir.resolve("home"))) {
            CreatePlan first = p.validate(one("task0.plan"));
            CreatePlan second = p.validate(one("task0.plan"));

            assertThat(second).isEqualTo(first);
            assertThat(first.details()).containsEntry("region", "cn-hangzhou")
                    .containsEntry("instance_type:task0.plan", "ecs.g7.xlarge")
                    .containsEntry("image:task0.plan", UBUNTU)
                    .containsEntry("zones:task0.plan", "cn-hangzhou-h,cn-hangzhou-i")
                    .containsEntry("open_ssh:fastgpu-vpc", "198.51.100.7/32"); // as the emulator's FASTGPU_PUBLIC_IP_URL answers
            assertThat(cloud.cloud.api().callCounts().keySet()).isNotEmpty().allMatch(a -> a.startsWith("Describe"));
            assertThat(cloud.calls("RunInstances")).isZero();
            assertThat(cloud.cloud.api().instances()).isEmpty();
        }
    }

    @Test
    void createUsesThePlansImageAndZonesWithoutAskingForThemAgain() {
        try (CloudFixture cloud = new CloudFixture(dir); AliyunProvider p = cloud.provider(dir.resolve("home"))) {
            List<CreateRequest> requests = one("task0.plan");
            Map<String, String> details = new HashMap<>(p.validate(requests).details());
            details.put("zones:task0.plan", "cn-hangzhou-i");
            details.put("image:task0.plan", ALINUX);
            long asked = cloud.calls("DescribeAvailableResource") + cloud.calls("DescribeImages") + cloud.calls("DescribeZones");

            Instance made = p.create(new CreatePlan(requests, details)).orThrow().get(0);

            CloudInstance bought = new InstanceCalls(cloud.api()).byIds(List.of(made.id())).get(0);
            assertThat(bought.zone()).isEqualTo("cn-hangzhou-i");
            assertThat(bought.imageId()).isEqualTo(ALINUX);
            assertThat(made.tags()).containsEntry("aliyun:zone", "cn-hangzhou-i");
            assertThat(cloud.calls("DescribeAvailableResource") + cloud.calls("DescribeImages") + cloud.calls("DescribeZones"))
                    .isEqualTo(asked);
        }
    }

    @Test
    void aPlanMadeForAnotherRegionIsNotCarriedOut() {
        try (CloudFixture cloud = new CloudFixture(dir); AliyunProvider p = cloud.provider(dir.resolve("home"))) {
            List<CreateRequest> requests = one("task0.plan");
            Map<String, String> details = new HashMap<>(p.validate(requests).details());
            details.put("region", "cn-beijing");

            assertThatThrownBy(() -> p.create(new CreatePlan(requests, details)))
                    .hasMessageContaining("checked for region cn-beijing but the backend is set to cn-hangzhou now");
            assertThat(cloud.calls("RunInstances")).isZero();
        }
    }
}
