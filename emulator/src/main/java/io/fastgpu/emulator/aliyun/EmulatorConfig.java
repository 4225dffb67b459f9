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
 * timings and where state is kept. Immutable; build one with {@link #builder()}.
 *
 * @param accessKeys secret by access key id; requests signed with any of them are accepted
 * @param regions the regions, each with its zones and per-zone stock
 * @param instanceQuota most live instances per region (past it: {@code QuotaExceed.ElasticQuota})
 * @param bootLatency time an instance spends in Pending+Starting (or Starting, on restart)
 * @param stopLatency time an instance spends in Stopping
 * @param throttlePerSecond most calls per second per action (past it: {@code Throttling.User})
 * @param stateFile where instances are persisted (JSON, written atomically); null keeps them in memory
 * @param clock the time source for lifecycles and signature timestamps
 */
public record EmulatorConfig(Map<String, String> accessKeys, List<RegionSpec> regions, int instanceQuota,
    Duration bootLatency, Duration stopLatency, Map<String, Integer> throttlePerSecond, Path stateFile,
    Clock clock) {

  /** A region and its zones. */
  public record RegionSpec(String regionId, String localName, List<ZoneSpec> zones) {
    public RegionSpec {
      zones = List.copyOf(zones);
    }
  }

  /**
   * A zone and its stock.
   *
   * @param capacity by instance type, how many instances of it can live in the zone at once; an
   *     instance type offered nowhere is unknown ({@code InvalidInstanceType.NotFound}), one offered
   *     with capacity 0 is sold out ({@code OperationDenied.NoStock})
   */
  public record ZoneSpec(String zoneId, String localName, Map<String, Integer> capacity) {
    public ZoneSpec {
      capacity = Map.copyOf(capacity);
    }
  }

  public EmulatorConfig {
    accessKeys = Map.copyOf(accessKeys);
    regions = List.copyOf(regions);
    throttlePerSecond = Map.copyOf(throttlePerSecond);
  }

  /** A builder preset with one region (cn-hangzhou, two zones, CPU and GPU types in stock). */
  public static Builder builder() {
    return new Builder();
  }

  /** Mutable builder of {@link EmulatorConfig}. */
  public static final class Builder {
    private final Map<String, String> accessKeys = new LinkedHashMap<>();
    private final List<RegionSpec> regions = new ArrayList<>(List.of(new RegionSpec("cn-hangzhou", "华东1（杭州）",
        List.of(
            new ZoneSpec("cn-hangzhou-h", "杭州 可用区H", Map.of(
                "ecs.g7.xlarge", 50, "ecs.gn7i-c8g1.2xlarge", 20, "ecs.gn6v-c8g1.2xlarge", 8)),
            new ZoneSpec("cn-hangzhou-i", "杭州 可用区I", Map.of(
                "ecs.g7.xlarge", 50, "ecs.gn7i-c8g1.2xlarge", 0))))));
    private int instanceQuota = 100;
    private Duration bootLatency = Duration.ZERO;
    private Duration stopLatency = Duration.ZERO;
    private final Map<String, Integer> throttlePerSecond = new LinkedHashMap<>();
    private Path stateFile;
    private Clock clock = Clock.systemUTC();

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

    public EmulatorConfig build() {
      return new EmulatorConfig(accessKeys, regions, instanceQuota, bootLatency, stopLatency, throttlePerSecond,
          stateFile, clock);
    }
  }
}
