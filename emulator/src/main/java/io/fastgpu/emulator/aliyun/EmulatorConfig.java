package io.fastgpu.emulator.aliyun;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the emulated cloud looks like: accounts, regions and zones with their stock, quotas,
 * the image and instance type catalogs with their prices, timings, addressing and where state is
 * kept. Immutable; build one with {@link #builder()}.
 *
 * @param accessKeys secret by access key id; requests signed with any of them are accepted
 * @param regions the regions, each with its zones and per-zone stock
 * @param instanceQuota most live instances per region (past it: {@code QuotaExceed.ElasticQuota})
 * @param bootLatency time an instance spends in Pending+Starting (or Starting, on restart)
 * @param stopLatency time an instance spends in Stopping
 * @param throttlePerSecond most calls per second per action (past it: {@code Throttling.User})
 * @param stateFile where resources are persisted (JSON, written atomically); null keeps them in
 *     memory. NAS file system data lives in a {@code nas} folder beside it.
 * @param clock the time source for lifecycles and signature timestamps
 * @param images the images DescribeImages lists and RunInstances accepts
 * @param instanceTypes the instance types the cloud knows, with their hardware and price
 * @param spotPriceRatio a spot instance's hourly price as a fraction of the pay-as-you-go price
 * @param loopbackAddresses when true, instances get private addresses {@code 127.78.X.Y} and public
 *     ones {@code 127.79.X.Y} (never reused) so that emulated machines can listen on them; when
 *     false, private addresses come from the vSwitch CIDR block and public ones from RFC 5737
 * @param networkLatency time a new VPC, vSwitch, NAS file system or mount target stays Pending
 * @param callerIp the caller's public address as the emulated internet sees it (IPv4): what the
 *     public-address lookup ({@link AliyunEmulator#PUBLIC_IP_PATH}) answers and where connections to
 *     instances' public addresses come from; tests change it while running
 *     ({@link EmulatorTestHooks#setCallerIp})
 * @param enforceSecurityGroups when true (the builder's default), an instance's machine lets an SSH connection in
 *     only when its security group admits it ({@link IngressRules}), so a rule the emulator ignored cannot hide a
 *     launch that would be locked out on the cloud; when false, every connection gets in
 * @param instanceRoles the account's instance RAM roles (trusting ECS): what RunInstances takes as {@code RamRoleName}
 *     (another name: {@code InvalidRamRole.NotFound})
 * @param roleCredentialLifetime how long the temporary credentials the metadata service hands an instance's role
 *     stay valid; past it the API answers {@code InvalidSecurityToken.Expired} and the service hands out new ones
 */
public record EmulatorConfig(Map<String, String> accessKeys, List<RegionSpec> regions, int instanceQuota,
        Duration bootLatency, Duration stopLatency, Map<String, Integer> throttlePerSecond, Path stateFile,
        Clock clock, List<ImageSpec> images, List<InstanceTypeSpec> instanceTypes, double spotPriceRatio,
        boolean loopbackAddresses, Duration networkLatency, String callerIp, boolean enforceSecurityGroups,
        List<String> instanceRoles, Duration roleCredentialLifetime) {

    /** The caller address unless configured: a documentation address (RFC 5737), never a real host. */
    public static final String DEFAULT_CALLER_IP = "198.51.100.7";

    /** A region and its zones. */
    public record RegionSpec(String regionId, String localName, List<ZoneSpec> zones) {
        public RegionSpec {
            zones = List.copyOf(zones);
        }
    }

    /**
     * A zone and its stock.
     *
     * @param capacity by instance type, how many instances of it can live in the zone at once; a
     *     type missing here is not offered in the zone ({@code InvalidInstanceType.ZoneNotSupported}),
     *     one offered with capacity 0 is sold out ({@code OperationDenied.NoStock})
     */
    public record ZoneSpec(String zoneId, String localName, Map<String, Integer> capacity) {
        public ZoneSpec {
            capacity = Map.copyOf(capacity);
        }
    }

    /**
     * An image of the catalog.
     *
     * @param osName as DescribeImages' OSName/OSNameEn, e.g. {@code Ubuntu  22.04 64 bit}
     * @param platform e.g. Ubuntu, Aliyun
     * @param sizeGiB the image size, the least system disk it needs
     * @param ownerAlias system, self, others or marketplace
     */
    public record ImageSpec(String imageId, String imageName, String osName, String platform, String architecture,
            int sizeGiB, String ownerAlias, String description) {}

    /**
     * An instance type of the catalog.
     *
     * @param memoryGiB memory in GiB
     * @param gpuAmount GPUs per instance (0 for CPU types)
     * @param gpuSpec e.g. {@code NVIDIA V100}; null for CPU types
     * @param gpuMemoryGiB memory of each GPU, in GiB
     * @param hourlyPrice pay-as-you-go price per hour, in CNY (illustrative, not the cloud's price list)
     * @param category as DescribeInstanceTypes' InstanceCategory, e.g. {@code Compute-optimized with GPU}
     */
    public record InstanceTypeSpec(String instanceTypeId, String family, int cpuCoreCount, double memoryGiB,
            int gpuAmount, String gpuSpec, double gpuMemoryGiB, double hourlyPrice, String category) {}

    public EmulatorConfig {
        accessKeys = Map.copyOf(accessKeys);
        regions = List.copyOf(regions);
        throttlePerSecond = Map.copyOf(throttlePerSecond);
        images = List.copyOf(images);
        instanceTypes = List.copyOf(instanceTypes);
        if (!(spotPriceRatio > 0 && spotPriceRatio <= 1)) {
            throw new IllegalArgumentException("spotPriceRatio must be in (0, 1]: " + spotPriceRatio);
        }
        callerIp = requireIpv4("callerIp", callerIp);
        instanceRoles = List.copyOf(instanceRoles);
        if (roleCredentialLifetime.isNegative() || roleCredentialLifetime.isZero()) {
            throw new IllegalArgumentException("roleCredentialLifetime must be positive: " + roleCredentialLifetime);
        }
    }

    /** {@code value}, checked to be a dotted-quad IPv4 address. */
    static String requireIpv4(String field, String value) {
        if (value == null || Cidr.parseAddress(value) == null) {
            throw new IllegalArgumentException(field + " must be an IPv4 address such as " + DEFAULT_CALLER_IP
                    + ", was " + value);
        }
        return value;
    }

    /** The preset image catalog: Ubuntu and Alibaba Cloud Linux public images, one of them GPU-ready. */
    public static List<ImageSpec> defaultImages() {
        return List.of(
                new ImageSpec("ubuntu_22_04_x64_20G_alibase_20240101.vhd", "ubuntu_22_04_x64_20G_alibase_20240101.vhd",
                        "Ubuntu  22.04 64 bit", "Ubuntu", "x86_64", 20, "system", "Ubuntu 22.04 LTS"),
                new ImageSpec("ubuntu_20_04_x64_20G_alibase_20231221.vhd", "ubuntu_20_04_x64_20G_alibase_20231221.vhd",
                        "Ubuntu  20.04 64 bit", "Ubuntu", "x86_64", 20, "system", "Ubuntu 20.04 LTS"),
                new ImageSpec("aliyun_3_x64_20G_alibase_20240103.vhd", "aliyun_3_x64_20G_alibase_20240103.vhd",
                        "Alibaba Cloud Linux  3.2104 LTS 64 bit", "Aliyun", "x86_64", 20, "system", "Alibaba Cloud Linux 3"),
                new ImageSpec("aliyun_2_1903_x64_20G_alibase_20231221.vhd", "aliyun_2_1903_x64_20G_alibase_20231221.vhd",
                        "Alibaba Cloud Linux  2.1903 LTS 64 bit", "Aliyun", "x86_64", 20, "system", "Alibaba Cloud Linux 2"),
                new ImageSpec("ubuntu_22_04_x64_20G_alibase_gpu_cuda12_20240101.vhd",
                        "ubuntu_22_04_x64_20G_alibase_gpu_cuda12_20240101.vhd", "Ubuntu  22.04 64 bit", "Ubuntu", "x86_64", 40,
                        "system", "Ubuntu 22.04 with the NVIDIA driver and CUDA 12 preinstalled (GPU-ready)"));
    }

    /** The preset instance types: general-purpose CPU types and GPU types with T4, V100, A10 and A100 cards. */
    public static List<InstanceTypeSpec> defaultInstanceTypes() {
        String general = "General-purpose";
        String gpu = "Compute-optimized with GPU";
        return List.of(
                new InstanceTypeSpec("ecs.g7.large", "ecs.g7", 2, 8, 0, null, 0, 0.40, general),
                new InstanceTypeSpec("ecs.g7.xlarge", "ecs.g7", 4, 16, 0, null, 0, 0.80, general),
                new InstanceTypeSpec("ecs.g7.2xlarge", "ecs.g7", 8, 32, 0, null, 0, 1.60, general),
                new InstanceTypeSpec("ecs.c7.xlarge", "ecs.c7", 4, 8, 0, null, 0, 0.66, "Compute-optimized"),
                new InstanceTypeSpec("ecs.gn6i-c4g1.xlarge", "ecs.gn6i", 4, 15, 1, "NVIDIA T4", 16, 8.50, gpu),
                new InstanceTypeSpec("ecs.gn6v-c8g1.2xlarge", "ecs.gn6v", 8, 32, 1, "NVIDIA V100", 16, 26.50, gpu),
                new InstanceTypeSpec("ecs.gn6v-c8g1.16xlarge", "ecs.gn6v", 64, 256, 8, "NVIDIA V100", 16, 212.00, gpu),
                new InstanceTypeSpec("ecs.gn7i-c8g1.2xlarge", "ecs.gn7i", 8, 30, 1, "NVIDIA A10", 24, 11.00, gpu),
                new InstanceTypeSpec("ecs.gn7-c12g1.3xlarge", "ecs.gn7", 12, 94, 1, "NVIDIA A100", 40, 34.00, gpu));
    }

    /** A builder preset with one region (cn-hangzhou, two zones), the default catalogs and stock of every type. */
    public static Builder builder() {
        return new Builder();
    }

    /** Mutable builder of {@link EmulatorConfig}. */
    public static final class Builder {
        private final Map<String, String> accessKeys = new LinkedHashMap<>();
        private final List<RegionSpec> regions = new ArrayList<>(List.of(new RegionSpec("cn-hangzhou", "华东1（杭州）",
                List.of(
                        new ZoneSpec("cn-hangzhou-h", "杭州 可用区H", Map.of(
                                "ecs.g7.large", 50, "ecs.g7.xlarge", 50, "ecs.g7.2xlarge", 50, "ecs.c7.xlarge", 50,
                                "ecs.gn6i-c4g1.xlarge", 20, "ecs.gn6v-c8g1.2xlarge", 8, "ecs.gn6v-c8g1.16xlarge", 2,
                                "ecs.gn7i-c8g1.2xlarge", 20, "ecs.gn7-c12g1.3xlarge", 4)),
                        new ZoneSpec("cn-hangzhou-i", "杭州 可用区I", Map.of(
                                "ecs.g7.large", 50, "ecs.g7.xlarge", 50, "ecs.g7.2xlarge", 50, "ecs.c7.xlarge", 50,
                                "ecs.gn6i-c4g1.xlarge", 10, "ecs.gn7i-c8g1.2xlarge", 0))))));
        private int instanceQuota = 100;
        private Duration bootLatency = Duration.ZERO;
        private Duration stopLatency = Duration.ZERO;
        private final Map<String, Integer> throttlePerSecond = new LinkedHashMap<>();
        private Path stateFile;
        private Clock clock = Clock.systemUTC();
        private final List<ImageSpec> images = new ArrayList<>(defaultImages());
        private final List<InstanceTypeSpec> instanceTypes = new ArrayList<>(defaultInstanceTypes());
        private double spotPriceRatio = 0.3;
        private boolean loopbackAddresses;
        private Duration networkLatency = Duration.ZERO;
        private String callerIp = DEFAULT_CALLER_IP;
        private boolean enforceSecurityGroups = true;
        private final List<String> instanceRoles = new ArrayList<>();
        private Duration roleCredentialLifetime = Duration.ofHours(1);

        private Builder() {}

        public Builder accessKey(String id, String secret) {
            accessKeys.put(id, secret);
            return this;
        }

        /** Replaces the preset regions. */
        public Builder regions(List<RegionSpec> value) {
            regions.clear();
            regions.addAll(value);
            return this;
        }

        public Builder instanceQuota(int value) {
            instanceQuota = value;
            return this;
        }

        public Builder bootLatency(Duration value) {
            bootLatency = value;
            return this;
        }

        public Builder stopLatency(Duration value) {
            stopLatency = value;
            return this;
        }

        public Builder throttle(String action, int perSecond) {
            throttlePerSecond.put(action, perSecond);
            return this;
        }

        public Builder stateFile(Path value) {
            stateFile = value;
            return this;
        }

        public Builder clock(Clock value) {
            clock = value;
            return this;
        }

        /** Replaces the image catalog. */
        public Builder images(List<ImageSpec> value) {
            images.clear();
            images.addAll(value);
            return this;
        }

        /** Adds an image to the catalog (replacing one with the same id). */
        public Builder image(ImageSpec value) {
            images.removeIf(i -> i.imageId().equals(value.imageId()));
            images.add(value);
            return this;
        }

        /** Replaces the instance type catalog. */
        public Builder instanceTypes(List<InstanceTypeSpec> value) {
            instanceTypes.clear();
            instanceTypes.addAll(value);
            return this;
        }

        /** Adds an instance type to the catalog (replacing one with the same id); give zones stock of it too. */
        public Builder instanceType(InstanceTypeSpec value) {
            instanceTypes.removeIf(t -> t.instanceTypeId().equals(value.instanceTypeId()));
            instanceTypes.add(value);
            return this;
        }

        public Builder spotPriceRatio(double value) {
            spotPriceRatio = value;
            return this;
        }

        public Builder loopbackAddresses(boolean value) {
            loopbackAddresses = value;
            return this;
        }

        public Builder networkLatency(Duration value) {
            networkLatency = value;
            return this;
        }

        public Builder callerIp(String value) {
            callerIp = value;
            return this;
        }

        /** Whether the machines obey their security group (true unless turned off here). */
        public Builder enforceSecurityGroups(boolean value) {
            enforceSecurityGroups = value;
            return this;
        }

        /** Adds an instance RAM role to the account, one instances can be launched with. */
        public Builder instanceRole(String name) {
            instanceRoles.add(name);
            return this;
        }

        /** How long an instance role's temporary credentials stay valid (an hour unless set). */
        public Builder roleCredentialLifetime(Duration value) {
            roleCredentialLifetime = value;
            return this;
        }

        public EmulatorConfig build() {
            return new EmulatorConfig(accessKeys, regions, instanceQuota, bootLatency, stopLatency, throttlePerSecond,
                    stateFile, clock, images, instanceTypes, spotPriceRatio, loopbackAddresses, networkLatency,
                    callerIp, enforceSecurityGroups, instanceRoles, roleCredentialLifetime);
        }
    }
}
