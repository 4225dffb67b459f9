package io.fastgpu.emulator.aliyun;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The emulated account as the products' actions share it: configuration and catalogs, the
 * persisted state, zone stock, resource ids, address allocation and lifecycles. Not thread-safe:
 * {@link AliyunEmulator} serializes every call that touches it.
 */
final class Cloud {
    static final String PENDING = "Pending";
    static final String AVAILABLE = "Available";
    /** Public addresses come from the RFC 5737 documentation ranges so they can never be real hosts. */
    private static final List<String> PUBLIC_PREFIXES = List.of("203.0.113.", "198.51.100.", "192.0.2.");
    private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    /** Loopback addresses {@code 127.78.X.Y} / {@code 127.79.X.Y}: Y runs 1 to 254 under each X. */
    private static final long LOOPBACK_ADDRESSES = 256L * 254;

    final EmulatorConfig config;
    final EmulatorState state;
    final Clock clock;
    final InstanceStateMachine lifecycle;
    final Map<String, EmulatorConfig.RegionSpec> regions = new LinkedHashMap<>();
    final Map<String, EmulatorConfig.InstanceTypeSpec> instanceTypes = new LinkedHashMap<>();
    final Map<String, EmulatorConfig.ImageSpec> images = new LinkedHashMap<>();
    /** Zone id → instance type → capacity; mutable so tests can sell a zone out at runtime. */
    private final Map<String, Map<String, Integer>> capacity = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private boolean changed;
    /** The caller's public address; read by connection checks outside the state lock. */
    private volatile String callerIp;

    Cloud(EmulatorConfig config, EmulatorState state) {
        this.config = config;
        this.state = state;
        this.clock = config.clock();
        this.lifecycle = new InstanceStateMachine(config.bootLatency(), config.stopLatency());
        this.callerIp = config.callerIp();
        for (EmulatorConfig.RegionSpec region : config.regions()) {
            regions.put(region.regionId(), region);
            for (EmulatorConfig.ZoneSpec zone : region.zones()) {
                capacity.put(zone.zoneId(), new ConcurrentHashMap<>(zone.capacity()));
            }
        }
        config.instanceTypes().forEach(t -> instanceTypes.put(t.instanceTypeId(), t));
        config.images().forEach(i -> images.put(i.imageId(), i));
    }

    // ---------------------------------------------------------------- regions and zones

    /** The region named by {@code RegionId}, or the ECS errors for a missing or unknown one. */
    EmulatorConfig.RegionSpec requireRegion(ApiRequest req) {
        EmulatorConfig.RegionSpec region = regions.get(Params.require(req, "RegionId"));
        if (region == null) {
            throw ApiError.regionNotFound();
        }
        return region;
    }

    EmulatorConfig.ZoneSpec zone(String regionId, String zoneId) {
        EmulatorConfig.RegionSpec region = regions.get(regionId);
        if (region == null || zoneId == null) {
            return null;
        }
        return region.zones().stream().filter(z -> z.zoneId().equals(zoneId)).findFirst().orElse(null);
    }

    /** The region of a zone, or null when no region has it. */
    String regionOfZone(String zoneId) {
        for (EmulatorConfig.RegionSpec region : regions.values()) {
            if (region.zones().stream().anyMatch(z -> z.zoneId().equals(zoneId))) {
                return region.regionId();
            }
        }
        return null;
    }

    Map<String, Integer> capacity(String zoneId) {
        return capacity.getOrDefault(zoneId, Map.of());
    }

    void setCapacity(String zoneId, String instanceType, int value) {
        Map<String, Integer> zone = capacity.get(zoneId);
        if (zone == null) {
            throw new IllegalArgumentException("unknown zone " + zoneId);
        }
        zone.put(instanceType, value);
    }

    /** Capacity left: configured capacity less the live instances of the type in the zone. */
    int available(String zoneId, String type) {
        int cap = capacity(zoneId).getOrDefault(type, 0);
        long used = state.instances.values().stream()
                .filter(i -> i.zoneId().equals(zoneId) && i.instanceType().equals(type)).count();
        return (int) Math.max(0, cap - used);
    }

    // ---------------------------------------------------------------- time, ids, lifecycles

    String now() {
        return clock.instant().toString();
    }

    /** A fresh id: {@code prefix} then {@code length} random lower-case letters and digits. */
    String newId(String prefix, int length, Predicate<String> taken) {
        return newId(prefix, length, ID_ALPHABET, taken);
    }

    String newId(String prefix, int length, String alphabet, Predicate<String> taken) {
        String id;
        do {
            StringBuilder b = new StringBuilder(prefix);
            for (int i = 0; i < length; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            id = b.toString();
        } while (taken.test(id));
        return id;
    }

    /** Whether a resource created at {@code creationTime} has left Pending ({@link EmulatorConfig#networkLatency}). */
    boolean ready(String creationTime) {
        return Duration.between(Instant.parse(creationTime), clock.instant()).compareTo(config.networkLatency()) >= 0;
    }

    /** Pending, then Available once {@link #ready}. */
    String networkStatus(String creationTime) {
        return ready(creationTime) ? AVAILABLE : PENDING;
    }

    // ---------------------------------------------------------------- prices

    /** Pay-as-you-go price of one instance-hour, in CNY, rounded to the cent. */
    double hourlyPrice(EmulatorConfig.InstanceTypeSpec type) {
        return round(type.hourlyPrice());
    }

    /** The current spot market price of one instance-hour. */
    double spotPrice(EmulatorConfig.InstanceTypeSpec type) {
        return round(type.hourlyPrice() * config.spotPriceRatio());
    }

    static double round(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).doubleValue();
    }

    // ---------------------------------------------------------------- addresses

    /** The caller's public address as the emulated internet sees it. */
    String callerIp() {
        return callerIp;
    }

    void setCallerIp(String value) {
        callerIp = EmulatorConfig.requireIpv4("callerIp", value);
    }

    /** How many more instances can get a private address in the vSwitch. */
    long freeAddresses(VSwitchRecord vSwitch) {
        if (config.loopbackAddresses()) {
            return LOOPBACK_ADDRESSES - state.addressesHandedOut();
        }
        Cidr cidr = Cidr.parse(vSwitch.cidrBlock());
        long usable = Math.max(0, cidr.size() - 4); // the first and the last three addresses are reserved
        long used = state.instances.values().stream().filter(i -> vSwitch.vSwitchId().equals(i.vSwitchId())).count();
        return Math.max(0, usable - used);
    }

    /**
     * Private and (when {@code withPublic}) public address of a new instance in the vSwitch: with
     * loopback addressing the next never-used {@code 127.78.X.Y} and its {@code 127.79.X.Y} twin,
     * else the lowest free address of the vSwitch block and a free RFC 5737 address.
     */
    String[] allocateAddresses(VSwitchRecord vSwitch, boolean withPublic) {
        if (config.loopbackAddresses()) {
            long n = state.nextAddress();
            if (n >= LOOPBACK_ADDRESSES) {
                throw noPrivateAddress();
            }
            String xy = (n / 254) + "." + (n % 254 + 1);
            return new String[] {"127.78." + xy, withPublic ? "127.79." + xy : null};
        }
        Set<String> used = new HashSet<>();
        state.instances.values().forEach(i -> used.add(i.privateIp()));
        Cidr cidr = Cidr.parse(vSwitch.cidrBlock());
        String privateIp = null;
        for (long a = cidr.network() + 1; a <= cidr.last() - 3; a++) {
            String ip = Cidr.format(a);
            if (!used.contains(ip)) {
                privateIp = ip;
                break;
            }
        }
        if (privateIp == null) {
            throw noPrivateAddress();
        }
        return new String[] {privateIp, withPublic ? newPublicIp() : null};
    }

    static ApiError noPrivateAddress() {
        return new ApiError(400, "QuotaExceeded.PrivateIpAddress", "There is not enough private ip in the specified VSwitch.");
    }

    private String newPublicIp() {
        Set<String> used = new HashSet<>();
        state.instances.values().forEach(i -> used.add(i.publicIp()));
        used.add(callerIp); // the caller is not an instance
        for (String prefix : PUBLIC_PREFIXES) {
            for (int host = 1; host < 255; host++) {
                if (!used.contains(prefix + host)) {
                    return prefix + host;
                }
            }
        }
        throw new ApiError(403, "InvalidOperation.PublicIpAddressNoStock",
                "The public IP address for the specified Region or ChargeType of the instance is out of stock. "
                        + "Please try another Region or ChargeType.");
    }

    // ---------------------------------------------------------------- persistence and change notices

    /** Persists the state and remembers that it changed (for the emulator's listeners). */
    void changed() {
        state.save();
        changed = true;
    }

    /** Whether the state changed since the last call. */
    boolean consumeChanged() {
        boolean was = changed;
        changed = false;
        return was;
    }
}
