package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.EmulatorFixture.REGION;
import static io.fastgpu.emulator.aliyun.EmulatorFixture.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.aliyun.ecs20140526.Client;
import com.aliyun.ecs20140526.models.DescribeImagesRequest;
import com.aliyun.ecs20140526.models.DescribeImagesResponseBody;
import com.aliyun.ecs20140526.models.DescribeInstanceTypesRequest;
import com.aliyun.ecs20140526.models.DescribeInstanceTypesResponseBody.DescribeInstanceTypesResponseBodyInstanceTypesInstanceType;
import com.aliyun.ecs20140526.models.DescribePriceRequest;
import com.aliyun.ecs20140526.models.DescribePriceResponseBody.DescribePriceResponseBodyPriceInfoPrice;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The image and instance type catalogs and their prices. */
class CatalogTest {
    private AliyunEmulator emulator;
    private Client ecs;

    @BeforeEach
    void start() throws Exception {
        emulator = new AliyunEmulator(EmulatorFixture.config().spotPriceRatio(0.25)
                .image(new EmulatorConfig.ImageSpec("m-custom-cuda", "team-cuda-image", "Ubuntu  22.04 64 bit", "Ubuntu",
                        "x86_64", 60, "self", "our own image"))
                .build()).start();
        ecs = EmulatorFixture.client(emulator);
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    @Test
    void describesImagesByIdNameAndOwner() throws Exception {
        DescribeImagesResponseBody ubuntu = ecs.describeImages(new DescribeImagesRequest().setRegionId(REGION)
                .setImageName("ubuntu_22_04*").setImageOwnerAlias("system")).getBody();
        assertThat(ubuntu.getImages().getImage()).extracting(i -> i.getImageId()).containsExactly(
                "ubuntu_22_04_x64_20G_alibase_20240101.vhd", "ubuntu_22_04_x64_20G_alibase_gpu_cuda12_20240101.vhd");
        assertThat(ubuntu.getImages().getImage().get(0)).satisfies(i -> {
            assertThat(i.getOSType()).isEqualTo("linux");
            assertThat(i.getPlatform()).isEqualTo("Ubuntu");
            assertThat(i.getArchitecture()).isEqualTo("x86_64");
            assertThat(i.getStatus()).isEqualTo("Available");
            assertThat(i.getSize()).isEqualTo(20);
            assertThat(i.getIsPublic()).isTrue();
        });
        assertThat(ecs.describeImages(new DescribeImagesRequest().setRegionId(REGION).setImageOwnerAlias("system")
                .setImageName("aliyun_*")).getBody().getTotalCount()).isEqualTo(2);
        assertThat(ecs.describeImages(new DescribeImagesRequest().setRegionId(REGION)
                .setImageId("aliyun_3_x64_20G_alibase_20240103.vhd,m-custom-cuda")).getBody().getImages().getImage())
                .extracting(i -> i.getImageOwnerAlias()).containsExactly("system", "self");

        DescribeImagesResponseBody page = ecs.describeImages(new DescribeImagesRequest().setRegionId(REGION)
                .setPageSize(4).setPageNumber(2)).getBody();
        assertThat(page.getTotalCount()).isEqualTo(6);
        assertThat(page.getImages().getImage()).hasSize(2);
        assertThat(failure(() -> ecs.describeImages(new DescribeImagesRequest().setRegionId(REGION)
                .setImageOwnerAlias("mine"))).getCode()).isEqualTo("InvalidParameter");
    }

    @Test
    void describesGpuInstanceTypes() throws Exception {
        List<DescribeInstanceTypesResponseBodyInstanceTypesInstanceType> types = ecs.describeInstanceTypes(
                new DescribeInstanceTypesRequest().setInstanceTypes(List.of("ecs.gn6v-c8g1.16xlarge", "ecs.gn7i-c8g1.2xlarge",
                        "ecs.g7.xlarge"))).getBody().getInstanceTypes().getInstanceType();

        assertThat(types).extracting(t -> t.getInstanceTypeId() + " " + t.getCpuCoreCount() + "C " + t.getMemorySize()
                        + "G " + t.getGPUAmount() + "x" + t.getGPUSpec() + " " + t.getGPUMemorySize())
                .containsExactly(
                        "ecs.g7.xlarge 4C 16.0G 0x 0.0",
                        "ecs.gn6v-c8g1.16xlarge 64C 256.0G 8xNVIDIA V100 16.0",
                        "ecs.gn7i-c8g1.2xlarge 8C 30.0G 1xNVIDIA A10 24.0");
        assertThat(types.get(1).getInstanceTypeFamily()).isEqualTo("ecs.gn6v");

        assertThat(ecs.describeInstanceTypes(new DescribeInstanceTypesRequest().setInstanceTypeFamily("ecs.gn6v"))
                .getBody().getInstanceTypes().getInstanceType()).extracting(t -> t.getInstanceTypeId())
                .containsExactly("ecs.gn6v-c8g1.2xlarge", "ecs.gn6v-c8g1.16xlarge");
        assertThat(ecs.describeInstanceTypes(new DescribeInstanceTypesRequest()).getBody().getInstanceTypes()
                .getInstanceType()).extracting(t -> t.getGPUSpec()).contains("NVIDIA T4", "NVIDIA A100");
    }

    @Test
    void pricesPayAsYouGoAndSpotInstanceHours() throws Exception {
        DescribePriceResponseBodyPriceInfoPrice onDemand = ecs.describePrice(new DescribePriceRequest()
                .setRegionId(REGION).setResourceType("instance").setInstanceType("ecs.gn6v-c8g1.2xlarge").setAmount(2))
                .getBody().getPriceInfo().getPrice();
        assertThat(onDemand.getCurrency()).isEqualTo("CNY");
        assertThat(onDemand.getOriginalPrice()).isCloseTo(53.0f, within(0.001f));
        assertThat(onDemand.getTradePrice()).isCloseTo(53.0f, within(0.001f));

        DescribePriceResponseBodyPriceInfoPrice spot = ecs.describePrice(new DescribePriceRequest()
                .setRegionId(REGION).setInstanceType("ecs.gn6v-c8g1.2xlarge").setSpotStrategy("SpotAsPriceGo")).getBody()
                .getPriceInfo().getPrice();
        assertThat(spot.getOriginalPrice()).isCloseTo(26.5f, within(0.001f));
        assertThat(spot.getTradePrice()).isCloseTo(6.63f, within(0.001f)); // 26.50 x 0.25, to the cent
        assertThat(spot.getDiscountPrice()).isCloseTo(19.87f, within(0.001f));

        assertThat(failure(() -> ecs.describePrice(new DescribePriceRequest().setRegionId(REGION)
                .setInstanceType("ecs.unicorn.huge"))).getCode()).isEqualTo("InvalidInstanceType.ValueNotSupported");
        assertThat(failure(() -> ecs.describePrice(new DescribePriceRequest().setRegionId(REGION))).getCode())
                .isEqualTo("MissingParameter");
        assertThat(failure(() -> ecs.describePrice(new DescribePriceRequest().setRegionId(REGION)
                .setInstanceType("ecs.g7.large").setSpotStrategy("Cheap"))).getCode()).isEqualTo("InvalidSpotStrategy");
    }
}
