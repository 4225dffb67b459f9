package io.fastgpu.emulator.aliyun;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The ECS API (version 2014-05-26) actions the emulator answers, with the request parameter and
 * response field names of the official API. Each handler returns the response body without
 * {@code RequestId}, which {@link AliyunEmulator} adds. Callers serialize calls (state is shared).
 */
final class EcsActions {
  /** The ECS API version, sent by the SDK in {@code x-acs-version}. */
  static final String VERSION = "2014-05-26";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** ECS shows times at minute precision in UTC, e.g. {@code 2024-01-02T03:04Z}. */
  private static final DateTimeFormatter ECS_TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm'Z'").withZone(ZoneOffset.UTC);
  private static final Set<String> SPOT_STRATEGIES = Set.of("NoSpot", "SpotAsPriceGo", "SpotWithPriceLimit");
  /** Public addresses come from the RFC 5737 documentation ranges so they can never be real hosts. */
  private static final List<String> PUBLIC_PREFIXES = List.of("203.0.113.", "198.51.100.", "192.0.2.");
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Map<String, EmulatorConfig.RegionSpec> regions = new LinkedHashMap<>();
  /** Zone id → instance type → capacity; mutable so tests can sell a zone out at runtime. */
  private final Map<String, Map<String, Integer>> capacity = new ConcurrentHashMap<>();
  private final int instanceQuota;
  private final EmulatorState state;
  private final InstanceLifecycle lifecycle;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final Map<String, Function<ApiRequest, ObjectNode>> handlers = new LinkedHashMap<>();

  EcsActions(EmulatorConfig config, EmulatorState state) {
    for (EmulatorConfig.RegionSpec region : config.regions()) {
      regions.put(region.regionId(), region);
      for (EmulatorConfig.ZoneSpec zone : region.zones()) {
        capacity.put(zone.zoneId(), new ConcurrentHashMap<>(zone.capacity()));
      }
    }
    this.instanceQuota = config.instanceQuota();
    this.state = state;
    this.lifecycle = new InstanceLifecycle(config.bootLatency(), config.stopLatency());
    this.clock = config.clock();
    handlers.put("DescribeRegions", this::describeRegions);
    handlers.put("DescribeZones", this::describeZones);
    handlers.put("DescribeAvailableResource", this::describeAvailableResource);
    handlers.put("RunInstances", this::runInstances);
    handlers.put("DescribeInstances", this::describeInstances);
    handlers.put("StartInstances", r -> changeStatus(r, true));
    handlers.put("StopInstances", r -> changeStatus(r, false));
    handlers.put("StartInstance", r -> changeOne(r, "StartInstances"));
    handlers.put("StopInstance", r -> changeOne(r, "StopInstances"));
    handlers.put("DeleteInstances", this::deleteInstances);
    handlers.put("DeleteInstance", this::deleteInstance);
  }

  boolean supports(String action) {
    return handlers.containsKey(action);
  }

  ObjectNode handle(String action, ApiRequest req) {
    Function<ApiRequest, ObjectNode> handler = handlers.get(action);
    if (handler == null) {
      throw ApiError.invalidAction(action);
    }
    return handler.apply(req);
  }

  /** Host part of error bodies, as the cloud names the regional endpoint. */
  String hostId(ApiRequest req) {
    String region = req.param("RegionId");
    return region != null && regions.containsKey(region) ? "ecs." + region + ".aliyuncs.com" : "ecs.aliyuncs.com";
  }

  void setCapacity(String zoneId, String instanceType, int value) {
    Map<String, Integer> zone = capacity.get(zoneId);
    if (zone == null) {
      throw new IllegalArgumentException("unknown zone " + zoneId);
    }
    zone.put(instanceType, value);
  }

  /**
   * Simulates the reclaim of a spot instance: it is stopped at once and carries the
   * {@code Recycling} operation lock (visible in DescribeInstances' OperationLocks), as ECS shows
   * an instance it is taking back; it can then only be deleted.
   */
  void interruptSpotInstance(String instanceId) {
    InstanceRecord instance = state.instance(instanceId);
    if (instance == null) {
      throw new IllegalArgumentException("unknown instance " + instanceId);
    }
    state.put(instance.withStatus(InstanceLifecycle.STOPPED, clock.instant().toString()).withLockReason("Recycling"));
    state.save();
  }

  // ---------------------------------------------------------------- regions, zones, stock

  private ObjectNode describeRegions(ApiRequest req) {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putObject("Regions").putArray("Region");
    for (EmulatorConfig.RegionSpec region : regions.values()) {
      list.addObject()
          .put("RegionId", region.regionId())
          .put("LocalName", region.localName())
          .put("RegionEndpoint", "ecs." + region.regionId() + ".aliyuncs.com")
          .put("Status", "available");
    }
    return body;
  }

  private ObjectNode describeZones(ApiRequest req) {
    EmulatorConfig.RegionSpec region = requireRegion(req);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putObject("Zones").putArray("Zone");
    for (EmulatorConfig.ZoneSpec zone : region.zones()) {
      ObjectNode z = list.addObject()
          .put("ZoneId", zone.zoneId())
          .put("LocalName", zone.localName())
          .put("ZoneType", "AvailabilityZone");
      ArrayNode types = z.putObject("AvailableInstanceTypes").putArray("InstanceTypes");
      new TreeMap<>(capacity.get(zone.zoneId())).forEach((type, cap) -> {
        if (cap > 0) {
          types.add(type);
        }
      });
      ArrayNode creation = z.putObject("AvailableResourceCreation").putArray("ResourceTypes");
      List.of("Instance", "Disk", "VSwitch").forEach(creation::add);
      ArrayNode disks = z.putObject("AvailableDiskCategories").putArray("DiskCategories");
      List.of("cloud_essd", "cloud_efficiency", "cloud_ssd").forEach(disks::add);
    }
    return body;
  }

  /**
   * Supports {@code DestinationResource} {@code Zone} and {@code InstanceType}: per zone, which
   * instance types have stock ({@code WithStock}) and which are sold out ({@code WithoutStock}).
   */
  private ObjectNode describeAvailableResource(ApiRequest req) {
    EmulatorConfig.RegionSpec region = requireRegion(req);
    String destination = require(req, "DestinationResource");
    if (!destination.equals("Zone") && !destination.equals("InstanceType")) {
      throw ApiError.invalidParameter("DestinationResource",
          "The emulator supports only Zone and InstanceType, not " + destination + ".");
    }
    String zoneFilter = req.param("ZoneId");
    String typeFilter = req.param("InstanceType");
    ObjectNode body = JSON.createObjectNode();
    ArrayNode zones = body.putObject("AvailableZones").putArray("AvailableZone");
    for (EmulatorConfig.ZoneSpec zone : region.zones()) {
      if (zoneFilter != null && !zoneFilter.equals(zone.zoneId())) {
        continue;
      }
      Map<String, Integer> types = new TreeMap<>(capacity.get(zone.zoneId()));
      if (typeFilter != null) {
        types.keySet().retainAll(Set.of(typeFilter));
      }
      if (types.isEmpty()) {
        continue; // a zone that does not offer the type is not listed at all
      }
      boolean anyStock = types.keySet().stream().anyMatch(t -> available(zone.zoneId(), t) > 0);
      ObjectNode z = zones.addObject()
          .put("RegionId", region.regionId())
          .put("ZoneId", zone.zoneId())
          .put("Status", anyStock ? "Available" : "SoldOut")
          .put("StatusCategory", anyStock ? "WithStock" : "WithoutStock");
      ObjectNode resource = z.putObject("AvailableResources").putArray("AvailableResource").addObject()
          .put("Type", destination);
      ArrayNode supported = resource.putObject("SupportedResources").putArray("SupportedResource");
      if (destination.equals("Zone")) {
        addSupported(supported, zone.zoneId(), anyStock);
      } else {
        types.keySet().forEach(t -> addSupported(supported, t, available(zone.zoneId(), t) > 0));
      }
    }
    return body;
  }

  private static void addSupported(ArrayNode supported, String value, boolean withStock) {
    supported.addObject()
        .put("Value", value)
        .put("Status", withStock ? "Available" : "SoldOut")
        .put("StatusCategory", withStock ? "WithStock" : "WithoutStock");
  }

  /** Capacity left: configured capacity less the live instances of the type in the zone. */
  private int available(String zoneId, String type) {
    int cap = capacity.getOrDefault(zoneId, Map.of()).getOrDefault(type, 0);
    long used = state.instances().stream()
        .filter(i -> i.zoneId().equals(zoneId) && i.instanceType().equals(type)).count();
    return (int) Math.max(0, cap - used);
  }

  // ---------------------------------------------------------------- RunInstances

  private ObjectNode runInstances(ApiRequest req) {
    EmulatorConfig.RegionSpec region = requireRegion(req);
    String imageId = require(req, "ImageId");
    String type = require(req, "InstanceType");
    int amount = intParam(req, "Amount", 1, 1, 100);
    String spotStrategy = req.params().getOrDefault("SpotStrategy", "NoSpot");
    if (!SPOT_STRATEGIES.contains(spotStrategy)) {
      throw ApiError.invalidParameter("SpotStrategy", "Valid values: NoSpot, SpotAsPriceGo, SpotWithPriceLimit.");
    }
    int bandwidthOut = intParam(req, "InternetMaxBandwidthOut", 0, 0, 1024);
    int diskSize = intParam(req, "SystemDisk.Size", 40, 20, 2048);
    List<InstanceRecord.Tag> tags = tags(req);

    boolean typeKnown = region.zones().stream().anyMatch(z -> capacity.get(z.zoneId()).containsKey(type));
    if (!typeKnown) {
      throw new ApiError(404, "InvalidInstanceType.NotFound", "The specified InstanceType does not exist.");
    }
    String requestedZone = req.param("ZoneId");
    String zoneId = requestedZone;
    if (zoneId != null) {
      if (region.zones().stream().noneMatch(z -> z.zoneId().equals(requestedZone))) {
        throw new ApiError(404, "InvalidZoneId.NotFound", "The specified zone does not exist.");
      }
    } else {
      // Without a zone (or vSwitch, which the emulator does not model) ECS places the instances itself.
      zoneId = region.zones().stream().map(EmulatorConfig.ZoneSpec::zoneId)
          .filter(z -> available(z, type) >= amount).findFirst()
          .orElse(region.zones().get(0).zoneId());
    }
    if (available(zoneId, type) < amount) {
      throw new ApiError(403, "OperationDenied.NoStock",
          "The requested resource is sold out in the specified zone; try other types of resources or other regions and zones.");
    }
    long live = state.instances().stream().filter(i -> i.regionId().equals(region.regionId())).count();
    if (live + amount > instanceQuota) {
      throw new ApiError(403, "QuotaExceed.ElasticQuota",
          "No additional quota is available for the specified ECS instance type.");
    }
    dryRun(req);

    boolean uniqueSuffix = boolParam(req, "UniqueSuffix");
    String now = clock.instant().toString();
    ObjectNode body = JSON.createObjectNode();
    ArrayNode ids = body.putObject("InstanceIdSets").putArray("InstanceIdSet");
    for (int n = 1; n <= amount; n++) {
      String id = newInstanceId();
      String suffix = uniqueSuffix && amount > 1 ? String.format("%03d", n) : "";
      String name = req.param("InstanceName") == null ? id : req.param("InstanceName") + suffix;
      String host = req.param("HostName") == null ? "iZ" + id.substring(2) + "Z" : req.param("HostName") + suffix;
      InstanceRecord instance = new InstanceRecord(id, region.regionId(), zoneId, name, host,
          req.params().getOrDefault("Description", ""), type, imageId, req.param("VSwitchId"),
          req.param("SecurityGroupId"), req.param("KeyPairName"), bandwidthOut, spotStrategy, diskSize, tags,
          newPrivateIp(), bandwidthOut > 0 ? newPublicIp() : null, now, InstanceLifecycle.PENDING, now, null);
      state.put(instance);
      ids.add(id);
    }
    state.save();
    return body;
  }

  private String newInstanceId() {
    StringBuilder id;
    do {
      id = new StringBuilder("i-");
      for (int i = 0; i < 20; i++) {
        id.append(ID_ALPHABET.charAt(random.nextInt(ID_ALPHABET.length())));
      }
    } while (state.instance(id.toString()) != null);
    return id.toString();
  }

  /** Lowest free address of 192.168.0.0/16 (skipping .0, .1 gateway and .255 of each /24). */
  private String newPrivateIp() {
    Set<String> used = new HashSet<>();
    state.instances().forEach(i -> used.add(i.privateIp()));
    for (int third = 0; third < 256; third++) {
      for (int fourth = 2; fourth < 255; fourth++) {
        String ip = "192.168." + third + "." + fourth;
        if (!used.contains(ip)) {
          return ip;
        }
      }
    }
    throw new ApiError(403, "InvalidVSwitchId.IpNotEnough", "The specified VSwitch has not enough IP addresses.");
  }

  private String newPublicIp() {
    Set<String> used = new HashSet<>();
    state.instances().forEach(i -> used.add(i.publicIp()));
    for (String prefix : PUBLIC_PREFIXES) {
      for (int host = 1; host < 255; host++) {
        if (!used.contains(prefix + host)) {
          return prefix + host;
        }
      }
    }
    throw new ApiError(403, "OperationDenied.NoPublicIpAddress", "No public IP address is available.");
  }

  // ---------------------------------------------------------------- DescribeInstances

  private ObjectNode describeInstances(ApiRequest req) {
    EmulatorConfig.RegionSpec region = requireRegion(req);
    Instant now = clock.instant();
    Set<String> ids = jsonStringArray(req, "InstanceIds", 100);
    String name = req.param("InstanceName");
    Pattern namePattern = name == null ? null : glob(name);
    String status = req.param("Status");
    String zoneId = req.param("ZoneId");
    String type = req.param("InstanceType");
    String vSwitchId = req.param("VSwitchId");
    String keyPair = req.param("KeyPairName");
    List<InstanceRecord.Tag> tagFilters = tags(req);

    List<InstanceRecord> matches = new ArrayList<>();
    for (InstanceRecord i : state.instances()) {
      if (!i.regionId().equals(region.regionId())
          || ids != null && !ids.contains(i.instanceId())
          || namePattern != null && !namePattern.matcher(i.instanceName()).matches()
          || status != null && !status.equals(lifecycle.statusAt(i, now))
          || zoneId != null && !zoneId.equals(i.zoneId())
          || type != null && !type.equals(i.instanceType())
          || vSwitchId != null && !vSwitchId.equals(i.vSwitchId())
          || keyPair != null && !keyPair.equals(i.keyPairName())
          || !tagFilters.stream().allMatch(f -> hasTag(i, f))) {
        continue;
      }
      matches.add(i);
    }

    ObjectNode body = JSON.createObjectNode();
    int from;
    int size;
    boolean tokenPaging = req.params().containsKey("NextToken") || req.params().containsKey("MaxResults");
    if (tokenPaging) {
      size = intParam(req, "MaxResults", 10, 1, 100);
      from = decodeToken(req.param("NextToken"));
      int next = from + size;
      body.put("NextToken", next < matches.size() ? encodeToken(next) : "");
    } else {
      int page = intParam(req, "PageNumber", 1, 1, Integer.MAX_VALUE);
      size = intParam(req, "PageSize", 10, 1, 100);
      from = (int) Math.min((long) (page - 1) * size, matches.size());
      body.put("PageNumber", page).put("PageSize", size);
    }
    body.put("TotalCount", matches.size());
    ArrayNode list = body.putObject("Instances").putArray("Instance");
    matches.subList(Math.min(from, matches.size()), Math.min(from + size, matches.size()))
        .forEach(i -> list.add(render(i, now)));
    return body;
  }

  private ObjectNode render(InstanceRecord i, Instant now) {
    ObjectNode o = JSON.createObjectNode()
        .put("InstanceId", i.instanceId())
        .put("InstanceName", i.instanceName())
        .put("HostName", i.hostName())
        .put("Description", i.description())
        .put("RegionId", i.regionId())
        .put("ZoneId", i.zoneId())
        .put("InstanceType", i.instanceType())
        .put("InstanceTypeFamily", family(i.instanceType()))
        .put("ImageId", i.imageId())
        .put("OSType", "linux")
        .put("Status", lifecycle.statusAt(i, now))
        .put("CreationTime", ECS_TIME.format(Instant.parse(i.creationTime())))
        .put("InstanceChargeType", "PostPaid")
        .put("InternetChargeType", "PayByTraffic")
        .put("InternetMaxBandwidthOut", i.internetMaxBandwidthOut())
        .put("InstanceNetworkType", "vpc")
        .put("SpotStrategy", i.spotStrategy())
        .put("IoOptimized", true);
    if (i.keyPairName() != null) {
      o.put("KeyPairName", i.keyPairName());
    }
    ArrayNode publicIps = o.putObject("PublicIpAddress").putArray("IpAddress");
    if (i.publicIp() != null) {
      publicIps.add(i.publicIp());
    }
    o.putObject("InnerIpAddress").putArray("IpAddress");
    ObjectNode vpc = o.putObject("VpcAttributes").put("NatIpAddress", "");
    if (i.vSwitchId() != null) {
      vpc.put("VSwitchId", i.vSwitchId());
    }
    vpc.putObject("PrivateIpAddress").putArray("IpAddress").add(i.privateIp());
    ArrayNode groups = o.putObject("SecurityGroupIds").putArray("SecurityGroupId");
    if (i.securityGroupId() != null) {
      groups.add(i.securityGroupId());
    }
    ArrayNode tagList = o.putObject("Tags").putArray("Tag");
    i.tags().forEach(t -> tagList.addObject().put("TagKey", t.key()).put("TagValue", t.value()));
    ArrayNode locks = o.putObject("OperationLocks").putArray("LockReason");
    if (i.lockReason() != null) {
      locks.addObject().put("LockReason", i.lockReason());
    }
    return o;
  }

  /** {@code ecs.gn7i-c8g1.2xlarge} → {@code ecs.gn7i}. */
  private static String family(String type) {
    int dot = type.indexOf('.', type.indexOf('.') + 1);
    String head = dot < 0 ? type : type.substring(0, dot);
    int dash = head.indexOf('-');
    return dash < 0 ? head : head.substring(0, dash);
  }

  private static boolean hasTag(InstanceRecord i, InstanceRecord.Tag filter) {
    return i.tags().stream().anyMatch(t -> t.key().equals(filter.key())
        && (filter.value() == null || filter.value().equals(t.value())));
  }

  /** InstanceName filters accept {@code *} as a wildcard. */
  private static Pattern glob(String value) {
    return Pattern.compile(Arrays.stream(value.split("\\*", -1)).map(Pattern::quote)
        .collect(Collectors.joining(".*")));
  }

  private static String encodeToken(int offset) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(("o:" + offset).getBytes(StandardCharsets.UTF_8));
  }

  private static int decodeToken(String token) {
    if (token == null) {
      return 0;
    }
    try {
      String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
      if (raw.startsWith("o:")) {
        return Integer.parseInt(raw.substring(2));
      }
    } catch (IllegalArgumentException e) {
      // falls through to the error below
    }
    throw ApiError.invalidParameter("NextToken", "The token is not one this API returned.");
  }

  // ---------------------------------------------------------------- start, stop, delete

  /**
   * StartInstances / StopInstances. With the default {@code BatchOptimization=AllTogether} any
   * instance that cannot make the transition fails the whole call; with {@code SuccessFirst} each
   * instance gets its own result code.
   */
  private ObjectNode changeStatus(ApiRequest req, boolean start) {
    EmulatorConfig.RegionSpec region = requireRegion(req);
    List<String> ids = indexed(req, "InstanceId");
    if (ids.isEmpty()) {
      throw ApiError.missingParameter("InstanceId.1");
    }
    if (ids.size() > 100) {
      throw ApiError.invalidParameter("InstanceId", "At most 100 instances per call.");
    }
    boolean successFirst = "SuccessFirst".equals(req.param("BatchOptimization"));
    Instant now = clock.instant();
    String required = start ? InstanceLifecycle.STOPPED : InstanceLifecycle.RUNNING;
    Map<String, ApiError> failures = new LinkedHashMap<>();
    for (String id : ids) {
      InstanceRecord i = state.instance(id);
      ApiError error = i == null || !i.regionId().equals(region.regionId()) ? ApiError.instanceNotFound()
          : !required.equals(lifecycle.statusAt(i, now)) || i.lockReason() != null ? ApiError.incorrectInstanceStatus()
          : null;
      if (error != null) {
        if (!successFirst) {
          throw error;
        }
        failures.put(id, error);
      }
    }
    dryRun(req);
    ObjectNode body = JSON.createObjectNode();
    ArrayNode results = body.putObject("InstanceResponses").putArray("InstanceResponse");
    for (String id : ids) {
      ObjectNode r = results.addObject().put("InstanceId", id);
      ApiError error = failures.get(id);
      if (error != null) {
        InstanceRecord i = state.instance(id);
        String current = i == null ? "" : lifecycle.statusAt(i, now);
        r.put("Code", error.code()).put("Message", error.getMessage())
            .put("PreviousStatus", current).put("CurrentStatus", current);
        continue;
      }
      InstanceRecord i = state.instance(id);
      String next = start ? InstanceLifecycle.STARTING : InstanceLifecycle.STOPPING;
      state.put(i.withStatus(next, now.toString()));
      r.put("Code", "200").put("Message", "success").put("PreviousStatus", required).put("CurrentStatus", next);
    }
    state.save();
    return body;
  }

  /** StartInstance / StopInstance: one instance by id, no region, empty answer. */
  private ObjectNode changeOne(ApiRequest req, String batchAction) {
    String id = require(req, "InstanceId");
    InstanceRecord i = state.instance(id);
    if (i == null) {
      throw ApiError.instanceNotFound();
    }
    Map<String, String> params = new LinkedHashMap<>(req.params());
    params.put("RegionId", i.regionId());
    params.put("InstanceId.1", id);
    changeStatus(new ApiRequest(req.method(), req.path(), req.query(), req.headers(), req.body(), params),
        batchAction.equals("StartInstances"));
    return JSON.createObjectNode();
  }

  private ObjectNode deleteInstances(ApiRequest req) {
    EmulatorConfig.RegionSpec region = requireRegion(req);
    List<String> ids = indexed(req, "InstanceId");
    if (ids.isEmpty()) {
      throw ApiError.missingParameter("InstanceId.1");
    }
    if (ids.size() > 100) {
      throw ApiError.invalidParameter("InstanceId", "At most 100 instances per call.");
    }
    boolean force = boolParam(req, "Force");
    Instant now = clock.instant();
    for (String id : ids) {
      InstanceRecord i = state.instance(id);
      if (i == null || !i.regionId().equals(region.regionId())) {
        throw ApiError.instanceNotFound();
      }
      // Without Force only a stopped instance may be released (as ECS requires).
      if (!force && !InstanceLifecycle.STOPPED.equals(lifecycle.statusAt(i, now))) {
        throw ApiError.incorrectInstanceStatus();
      }
    }
    dryRun(req);
    ids.forEach(state::remove);
    state.save();
    return JSON.createObjectNode();
  }

  private ObjectNode deleteInstance(ApiRequest req) {
    String id = require(req, "InstanceId");
    InstanceRecord i = state.instance(id);
    if (i == null) {
      throw ApiError.instanceNotFound();
    }
    Map<String, String> params = new LinkedHashMap<>(req.params());
    params.put("RegionId", i.regionId());
    params.put("InstanceId.1", id);
    return deleteInstances(new ApiRequest(req.method(), req.path(), req.query(), req.headers(), req.body(), params));
  }

  // ---------------------------------------------------------------- parameter helpers

  private EmulatorConfig.RegionSpec requireRegion(ApiRequest req) {
    EmulatorConfig.RegionSpec region = regions.get(require(req, "RegionId"));
    if (region == null) {
      throw ApiError.regionNotFound();
    }
    return region;
  }

  private static String require(ApiRequest req, String name) {
    String value = req.param(name);
    if (value == null) {
      throw ApiError.missingParameter(name);
    }
    return value;
  }

  private static int intParam(ApiRequest req, String name, int dflt, int min, int max) {
    String value = req.param(name);
    if (value == null) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiError.invalidParameter(name, "Expected an integer from " + min + " to " + max + ".");
  }

  private static boolean boolParam(ApiRequest req, String name) {
    return Boolean.parseBoolean(req.param(name));
  }

  private static void dryRun(ApiRequest req) {
    if (boolParam(req, "DryRun")) {
      throw new ApiError(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.");
    }
  }

  /** Repeat-list parameters, flattened by the SDK as {@code Name.1}, {@code Name.2}, ... */
  private static List<String> indexed(ApiRequest req, String name) {
    Pattern p = Pattern.compile(Pattern.quote(name) + "\\.(\\d+)");
    TreeMap<Integer, String> byIndex = new TreeMap<>();
    req.params().forEach((k, v) -> {
      Matcher m = p.matcher(k);
      if (m.matches() && !v.isEmpty()) {
        byIndex.put(Integer.parseInt(m.group(1)), v);
      }
    });
    return new ArrayList<>(byIndex.values());
  }

  /** {@code Tag.N.Key} / {@code Tag.N.Value}; a key without a value matches any value in filters. */
  private static List<InstanceRecord.Tag> tags(ApiRequest req) {
    Pattern p = Pattern.compile("Tag\\.(\\d+)\\.Key");
    TreeMap<Integer, InstanceRecord.Tag> byIndex = new TreeMap<>();
    req.params().forEach((k, v) -> {
      Matcher m = p.matcher(k);
      if (m.matches() && !v.isEmpty()) {
        byIndex.put(Integer.parseInt(m.group(1)), new InstanceRecord.Tag(v, req.param("Tag." + m.group(1) + ".Value")));
      }
    });
    if (byIndex.size() > 20) {
      throw ApiError.invalidParameter("Tag", "At most 20 tags.");
    }
    return new ArrayList<>(byIndex.values());
  }

  /** A parameter holding a JSON array of strings, such as DescribeInstances' InstanceIds. */
  private static Set<String> jsonStringArray(ApiRequest req, String name, int max) {
    String value = req.param(name);
    if (value == null) {
      return null;
    }
    try {
      JsonNode node = JSON.readTree(value);
      if (node != null && node.isArray() && node.size() <= max) {
        Set<String> out = new HashSet<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
      }
    } catch (JsonProcessingException e) {
      // falls through to the error below
    }
    throw ApiError.invalidParameter(name, "Expected a JSON array of at most " + max + " strings.");
  }
}
