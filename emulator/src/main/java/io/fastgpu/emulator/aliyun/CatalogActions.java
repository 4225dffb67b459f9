package io.fastgpu.emulator.aliyun;

import static io.fastgpu.emulator.aliyun.Params.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The ECS catalog, from {@link EmulatorConfig}: DescribeImages, DescribeInstanceTypes (with the
 * GPU columns) and DescribePrice (pay-as-you-go and spot instance-hours).
 */
final class CatalogActions {
    private static final Set<String> OWNER_ALIASES = Set.of("system", "self", "others", "marketplace");
    /** When images were published, for every catalog image (the catalog does not carry dates). */
    private static final String IMAGE_CREATION_TIME = "2024-01-01T00:00:00Z";
    private static final Map<String, Integer> PRICE_UNIT_HOURS = Map.of("Hour", 1, "Week", 168, "Month", 720,
            "Year", 8760);

    private final Cloud cloud;

    CatalogActions(Cloud cloud) {
        this.cloud = cloud;
    }

    void register(Product ecs) {
        ecs.add("DescribeImages", this::describeImages);
        ecs.add("DescribeInstanceTypes", this::describeInstanceTypes);
        ecs.add("DescribePrice", this::describePrice);
    }

    /** Filters: ImageId (comma-separated), ImageName ({@code *} wildcard), ImageOwnerAlias, OSType, Architecture, Status. */
    private ObjectNode describeImages(ApiRequest req) {
        EmulatorConfig.RegionSpec region = cloud.requireRegion(req);
        Set<String> ids = Params.commaList(req, "ImageId");
        String name = req.param("ImageName");
        Pattern namePattern = name == null ? null : Params.glob(name);
        String owner = req.param("ImageOwnerAlias");
        if (owner != null && !OWNER_ALIASES.contains(owner)) {
            throw ApiError.invalidParameter("ImageOwnerAlias", "Valid values: system, self, others, marketplace.");
        }
        String osType = req.param("OSType");
        String architecture = req.param("Architecture");
        String status = req.param("Status");
        List<EmulatorConfig.ImageSpec> matches = new ArrayList<>();
        for (EmulatorConfig.ImageSpec image : cloud.images.values()) {
            if ((ids == null || ids.contains(image.imageId()))
                    && (namePattern == null || namePattern.matcher(image.imageName()).matches())
                    && (owner == null || owner.equals(image.ownerAlias()))
                    && (osType == null || osType.equals("linux"))
                    && (architecture == null || architecture.equals(image.architecture()))
                    && (status == null || status.contains("Available"))) {
                matches.add(image);
            }
        }
        ObjectNode body = JSON.createObjectNode().put("RegionId", region.regionId());
        List<EmulatorConfig.ImageSpec> page = Params.page(req, body, matches, 100);
        ArrayNode list = body.putObject("Images").putArray("Image");
        for (EmulatorConfig.ImageSpec image : page) {
            ObjectNode o = list.addObject()
                    .put("ImageId", image.imageId())
                    .put("ImageName", image.imageName())
                    .put("ImageOwnerAlias", image.ownerAlias())
                    .put("Description", image.description())
                    .put("OSName", image.osName())
                    .put("OSNameEn", image.osName())
                    .put("OSType", "linux")
                    .put("Platform", image.platform())
                    .put("Architecture", image.architecture())
                    .put("Size", image.sizeGiB())
                    .put("Status", "Available")
                    .put("Progress", "100%")
                    .put("Usage", "instance")
                    .put("BootMode", "BIOS")
                    .put("IsPublic", image.ownerAlias().equals("system"))
                    .put("IsSelfShared", "")
                    .put("IsSubscribed", false)
                    .put("IsCopied", false)
                    .put("IsSupportCloudinit", true)
                    .put("IsSupportIoOptimized", true)
                    .put("CreationTime", IMAGE_CREATION_TIME);
            o.putObject("DiskDeviceMappings").putArray("DiskDeviceMapping").addObject()
                    .put("Device", "/dev/xvda").put("Size", String.valueOf(image.sizeGiB())).put("Type", "system");
            o.putObject("Tags").putArray("Tag");
        }
        return body;
    }

    /** Filters: InstanceTypes.N, InstanceTypeFamily; token paging (MaxResults up to 1600). */
    private ObjectNode describeInstanceTypes(ApiRequest req) {
        List<String> ids = Params.indexed(req, "InstanceTypes");
        if (ids.size() > 10) {
            throw ApiError.invalidParameter("InstanceTypes", "At most 10 instance types.");
        }
        String family = req.param("InstanceTypeFamily");
        List<EmulatorConfig.InstanceTypeSpec> matches = new ArrayList<>();
        for (EmulatorConfig.InstanceTypeSpec type : cloud.instanceTypes.values()) {
            if ((ids.isEmpty() || ids.contains(type.instanceTypeId()))
                    && (family == null || family.equals(type.family()))) {
                matches.add(type);
            }
        }
        ObjectNode body = JSON.createObjectNode();
        List<EmulatorConfig.InstanceTypeSpec> page = Params.tokenPage(req, body, matches, 1600, 1600);
        ArrayNode list = body.putObject("InstanceTypes").putArray("InstanceType");
        for (EmulatorConfig.InstanceTypeSpec type : page) {
            ObjectNode o = list.addObject()
                    .put("InstanceTypeId", type.instanceTypeId())
                    .put("InstanceTypeFamily", type.family())
                    .put("InstanceCategory", type.category())
                    .put("InstanceFamilyLevel", "EnterpriseLevel")
                    .put("CpuArchitecture", "X86")
                    .put("CpuCoreCount", type.cpuCoreCount())
                    .put("MemorySize", (float) type.memoryGiB())
                    .put("GPUAmount", type.gpuAmount())
                    .put("GPUSpec", type.gpuSpec() == null ? "" : type.gpuSpec())
                    .put("GPUMemorySize", (float) type.gpuMemoryGiB())
                    .put("LocalStorageCategory", "")
                    .put("EniQuantity", Math.max(2, Math.min(8, type.cpuCoreCount() / 2)))
                    .put("NvmeSupport", "required");
            o.putObject("SupportedBootModes").putArray("SupportedBootMode").add("BIOS").add("UEFI");
        }
        return body;
    }

    /**
     * The price of instance-hours ({@code ResourceType=instance}, the only type modelled):
     * {@code Amount} instances of {@code InstanceType}, pay-as-you-go or spot
     * ({@link EmulatorConfig#spotPriceRatio}), per {@code PriceUnit} (Hour by default).
     */
    private ObjectNode describePrice(ApiRequest req) {
        cloud.requireRegion(req);
        String resourceType = req.param("ResourceType") == null ? "instance" : req.param("ResourceType");
        if (!resourceType.equals("instance")) {
            throw ApiError.invalidParameter("ResourceType", "The emulator prices instances only.");
        }
        String typeId = Params.require(req, "InstanceType");
        EmulatorConfig.InstanceTypeSpec type = cloud.instanceTypes.get(typeId);
        if (type == null) {
            throw new ApiError(400, "InvalidInstanceType.ValueNotSupported",
                    "The specified InstanceType does not exist or beyond the permitted range.");
        }
        int amount = Params.intParam(req, "Amount", 1, 1, 1000);
        String unit = req.param("PriceUnit") == null ? "Hour" : req.param("PriceUnit");
        Integer hours = PRICE_UNIT_HOURS.get(unit);
        if (hours == null) {
            throw ApiError.invalidParameter("PriceUnit", "Valid values: Hour, Week, Month, Year.");
        }
        String spot = req.param("SpotStrategy") == null ? "NoSpot" : req.param("SpotStrategy");
        if (!Set.of("NoSpot", "SpotAsPriceGo", "SpotWithPriceLimit").contains(spot)) {
            throw new ApiError(400, "InvalidSpotStrategy", "The specified SpotStrategy is not valid.");
        }
        double original = Cloud.round(cloud.hourlyPrice(type) * hours * amount);
        double trade = spot.equals("NoSpot") ? original : Cloud.round(cloud.spotPrice(type) * hours * amount);
        double discount = Cloud.round(original - trade);
        ObjectNode body = JSON.createObjectNode();
        ObjectNode priceInfo = body.putObject("PriceInfo");
        ObjectNode price = priceInfo.putObject("Price")
                .put("Currency", "CNY")
                .put("OriginalPrice", (float) original)
                .put("DiscountPrice", (float) discount)
                .put("TradePrice", (float) trade);
        price.putObject("DetailInfos").putArray("DetailInfo").addObject()
                .put("Resource", "instanceType")
                .put("OriginalPrice", (float) original)
                .put("DiscountPrice", (float) discount)
                .put("TradePrice", (float) trade);
        priceInfo.putObject("Rules").putArray("Rule");
        return body;
    }
}
