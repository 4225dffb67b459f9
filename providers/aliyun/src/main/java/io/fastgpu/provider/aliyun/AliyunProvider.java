package io.fastgpu.provider.aliyun;

import com.aliyun.ecs20140526.models.DeleteInstanceRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesRequest;
import com.aliyun.ecs20140526.models.DescribeInstancesResponseBody.DescribeInstancesResponseBodyInstancesInstance;
import com.aliyun.ecs20140526.models.DescribePriceRequest;
import com.aliyun.ecs20140526.models.ModifyInstanceAttributeRequest;
import com.aliyun.ecs20140526.models.RunInstancesRequest;
import com.aliyun.ecs20140526.models.StartInstancesRequest;
import com.aliyun.ecs20140526.models.StopInstancesRequest;
import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.api.Resources;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.core.spi.Capabilities;
import io.fastgpu.core.spi.CreateOutcome;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Tags;
import io.fastgpu.core.spi.facet.Firewall;
import io.fastgpu.core.spi.facet.HostKeyStore;
import io.fastgpu.core.spi.facet.MachineCatalog;
import io.fastgpu.core.spi.facet.NetworkStorage;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.spi.facet.RendezvousPorts;
import io.fastgpu.core.spi.facet.SharedAccount;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.transport.Transport;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Alibaba Cloud ECS through the official SDKs: buys GPU instances in the FastGPU network of a region, reaches them
 * over SSH with the region's FastGPU key pair, stops them (without charging for compute) and releases them.
 * Everything it makes is tagged ({@code fastgpu:job}, {@code fastgpu:task}, {@code fastgpu:owner}), so listings and
 * clean-up find it without local state.
 */
public final class AliyunProvider implements Provider, Pricing, SharedAccount, RendezvousPorts, Firewall, NetworkStorage,
        MachineCatalog, HostKeyStore {
    public static final String NAME = "aliyun";
    /** Backend options a job file may give. */
    public static final String VPC_NAME = "vpc_name";
    public static final String DATA_DISK_GB = "data_disk_gb";
    public static final String SPOT_PRICE_LIMIT = "spot_price_limit";

    private static final String TAG_JOB = Tags.JOB;
    private static final String TAG_OWNER = Tags.OWNER;
    /** On machines that mount the shared NAS at their run root: the mount target's domain. */
    private static final String TAG_NAS = Tags.NAS;

    private final Path home;
    private final EventListener events;
    private final Map<String, String> env;
    private final Path userHome;
    private AliyunSettings settings;
    private CloudApi api;
    private Catalog catalog;
    private final Map<String, Network> networks = new ConcurrentHashMap<>();
    private KeyPairs keyPairs;
    private SharedStorage storage;
    private SshConnector connector;
    /** Checked choices for the machines about to be created, by {@link #validate}. */
    private final Map<Resources, Plan> plans = new ConcurrentHashMap<>();
    /** Instances this process created: their addresses may have served another machine before. */
    private final Set<String> fresh = ConcurrentHashMap.newKeySet();

    /** The last state seen of each instance, and when, so that making a transport needs no API call. */
    private record Seen(Instance instance, long atNanos) { }
    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private static final long SEEN_FRESH_NANOS = Duration.ofSeconds(10).toNanos();
    /** How long a start waits for an instance that is still stopping. */
    private static final Duration STOPPING_TIMEOUT = Duration.ofMinutes(5);

    /** What a set of machines of the same resources is made of. */
    record Plan(String instanceType, String imageId, List<String> zones) { }

    public AliyunProvider(Path home, EventListener events, Map<String, String> env, Path userHome) {
        this.home = home;
        this.events = events;
        this.env = Map.copyOf(env);
        this.userHome = userHome;
    }

    @Override public String name() { return NAME; }

    @Override
    public Capabilities capabilities() {
        return new Capabilities(true, true, false).with(Pricing.class, this).with(SharedAccount.class, this)
                .with(RendezvousPorts.class, this).with(Firewall.class, this).with(NetworkStorage.class, this)
                .with(MachineCatalog.class, this).with(HostKeyStore.class, this);
    }

    @Override
    public boolean configured() {
        try {
            Credentials.resolve(env, userHome);
            return true;
        } catch (FastGpuException e) {
            return false;
        }
    }

    @Override
    public String scope() { return "In Region " + settings().region(); }

    synchronized AliyunSettings settings() {
        if (settings == null) {
            String profileRegion = "";
            try {
                profileRegion = Credentials.resolve(env, userHome).region();
            } catch (FastGpuException e) {
                // No credentials yet: the region still comes from the environment or the default.
            }
            settings = AliyunSettings.from(env, home, profileRegion);
        }
        return settings;
    }

    synchronized CloudApi api() {
        if (api == null) api = new CloudApi(settings(), Credentials.resolve(env, userHome));
        return api;
    }

    synchronized Catalog catalog() {
        if (catalog == null) catalog = Catalog.load(home);
        return catalog;
    }

    private Network network(String vpcName) {
        String key = vpcName == null ? "" : vpcName;
        return networks.computeIfAbsent(key, k -> new Network(api(), events, settings().prefix(), k));
    }

    private synchronized KeyPairs keyPairs() {
        if (keyPairs == null) keyPairs = new KeyPairs(api(), events, settings());
        return keyPairs;
    }

    private synchronized SharedStorage storage() {
        if (storage == null) storage = new SharedStorage(api(), events, settings().prefix());
        return storage;
    }

    private synchronized SshConnector connector() {
        if (connector == null) {
            connector = new SshConnector(knownHosts(), List.of(), null, k -> Optional.empty());
        }
        return connector;
    }

    private Path knownHosts() { return home.resolve("aliyun").resolve("known_hosts"); }

    /** API calls made so far by this provider (for benchmarks). */
    public long apiCalls() { return api == null ? 0 : api.callCount(); }

    // ---------------------------------------------------------------- listing

    @Override
    public List<Instance> list() { return list(false); }

    @Override
    public List<Instance> listAllOwners() { return list(true); }

    /** The FastGPU machines of the region: the caller's, or everyone's with {@code allOwners}. */
    private List<Instance> list(boolean allOwners) {
        List<Instance> result = new ArrayList<>();
        for (var i : describe(allOwners ? null : settings().owner(), null)) result.add(toInstance(i));
        return result;
    }

    private List<DescribeInstancesResponseBodyInstancesInstance> describe(String owner, List<String> ids) {
        List<DescribeInstancesResponseBodyInstancesInstance> all = new ArrayList<>();
        for (int page = 1; ; page++) {
            DescribeInstancesRequest r = new DescribeInstancesRequest().setRegionId(api().region()).setPageSize(100).setPageNumber(page);
            if (ids != null) r.setInstanceIds(json(ids));
            var tag = new DescribeInstancesRequest.DescribeInstancesRequestTag().setKey(owner == null ? TAG_JOB : TAG_OWNER);
            if (owner != null) tag.setValue(owner);
            if (ids == null) r.setTag(List.of(tag));
            var body = api().call("DescribeInstances", () -> api().ecs().describeInstances(r)).getBody();
            var list = body.getInstances() == null ? null : body.getInstances().getInstance();
            if (list != null) all.addAll(list);
            int total = body.getTotalCount() == null ? 0 : body.getTotalCount();
            if (list == null || list.isEmpty() || all.size() >= total) return all;
        }
    }

    private Instance toInstance(DescribeInstancesResponseBodyInstancesInstance i) {
        Map<String, String> tags = new HashMap<>();
        if (i.getTags() != null && i.getTags().getTag() != null) {
            for (var t : i.getTags().getTag()) tags.put(t.getTagKey(), t.getTagValue() == null ? "" : t.getTagValue());
        }
        tags.put("aliyun:zone", nz(i.getZoneId()));
        if (i.getSpotStrategy() != null && !i.getSpotStrategy().equals("NoSpot")) tags.put("aliyun:spot", i.getSpotStrategy());
        String publicIp = first(i.getPublicIpAddress() == null ? null : i.getPublicIpAddress().getIpAddress());
        if (publicIp.isEmpty() && i.getEipAddress() != null) publicIp = nz(i.getEipAddress().getIpAddress());
        String privateIp = first(i.getVpcAttributes() == null || i.getVpcAttributes().getPrivateIpAddress() == null ? null
                : i.getVpcAttributes().getPrivateIpAddress().getIpAddress());
        String gpu = i.getGPUAmount() != null && i.getGPUAmount() > 0 && i.getGPUSpec() != null && !i.getGPUSpec().isBlank()
                ? Catalog.shortGpu(i.getGPUSpec()) + " x " + i.getGPUAmount()
                : catalog().type(nz(i.getInstanceType())).map(Catalog.Type::gpu).orElse("-");
        InstanceState state = state(i.getStatus());
        if (reclaimed(i)) {
            state = InstanceState.TERMINATED;
            tags.put("aliyun:reclaimed", "spot");
        }
        Instance result = new Instance(i.getInstanceId(), nz(i.getInstanceName()), NAME, state, nz(i.getInstanceType()),
                gpu, publicIp, privateIp, created(i.getCreationTime()), tags);
        seen.put(result.id(), new Seen(result, System.nanoTime()));
        return result;
    }

    /** A spot instance the cloud is taking back: stopped, locked for {@code Recycling}; it can only be released. */
    private static boolean reclaimed(DescribeInstancesResponseBodyInstancesInstance i) {
        return i.getOperationLocks() != null && i.getOperationLocks().getLockReason() != null
                && i.getOperationLocks().getLockReason().stream().anyMatch(l -> "Recycling".equals(l.getLockReason()));
    }

    static InstanceState state(String status) {
        return switch (status == null ? "" : status) {
            case "Pending" -> InstanceState.PENDING;
            case "Starting" -> InstanceState.STARTING;
            case "Running" -> InstanceState.RUNNING;
            case "Stopping" -> InstanceState.STOPPING;
            case "Stopped" -> InstanceState.STOPPED;
            default -> InstanceState.UNRECOGNIZED;
        };
    }

    private static Instant created(String s) {
        if (s == null || s.isBlank()) return Instant.EPOCH;
        try {
            // The API answers minutes: 2024-01-30T08:12Z.
            return Instant.parse(s.matches(".*T\\d\\d:\\d\\dZ$") ? s.replace("Z", ":00Z") : s);
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    private DescribeInstancesResponseBodyInstancesInstance one(String id) {
        var found = describe(null, List.of(id));
        if (found.isEmpty()) throw new NotFoundException("no instance " + id + " in " + api().region() + " (released?)");
        return found.get(0);
    }

    // ---------------------------------------------------------------- checks before buying

    @Override
    public CreatePlan validate(List<CreateRequest> requests) {
        if (requests.isEmpty()) return CreatePlan.of(requests);
        for (CreateRequest r : requests) {
            if (!r.name().matches("[A-Za-z\\u4e00-\\u9fa5][A-Za-z0-9\\u4e00-\\u9fa5._:-]{1,127}")) {
                throw new InvalidSpecException("'" + r.name() + "' is not allowed as an Alibaba Cloud instance name"
                        + " (2-128 characters: letters, digits, '.', '_', ':', '-', starting with a letter)");
            }
        }
        api(); // credentials, before anything else
        Map<String, String> details = new LinkedHashMap<>();
        for (CreateRequest r : requests) {
            Plan p = plan(r.resources(), r.zone().isEmpty() ? settings().zone() : r.zone());
            details.put("instance_type", p.instanceType());
            details.put("image", p.imageId());
            details.put("zones", String.join(",", p.zones()));
        }
        details.put("region", api().region());
        return new CreatePlan(requests, details);
    }

    private Plan plan(Resources res, String zone) {
        Plan p = plans.get(res);
        if (p != null) return p;
        String type = res.instanceType().isEmpty() ? AliyunSettings.DEFAULT_INSTANCE_TYPE : res.instanceType();
        Offers offers = new Offers(api(), catalog());
        List<String> zones = offers.zonesWithStock(type, res.spot(), zone);
        String image = new Images(api()).resolve(res.image().isEmpty() ? AliyunSettings.DEFAULT_IMAGE : res.image());
        p = new Plan(type, image, zones);
        plans.put(res, p);
        return p;
    }

    @Override
    public double hourlyPrice(Resources resources, int count) {
        String type = resources.instanceType().isEmpty() ? AliyunSettings.DEFAULT_INSTANCE_TYPE : resources.instanceType();
        try {
            var body = api().call("DescribePrice", () -> api().ecs().describePrice(new DescribePriceRequest()
                    .setRegionId(api().region()).setResourceType("instance").setInstanceType(type)
                    .setSpotStrategy(resources.spot() ? "SpotAsPriceGo" : "NoSpot").setPriceUnit("Hour"))).getBody();
            if (body.getPriceInfo() != null && body.getPriceInfo().getPrice() != null
                    && body.getPriceInfo().getPrice().getTradePrice() != null) {
                return body.getPriceInfo().getPrice().getTradePrice() * count;
            }
        } catch (FastGpuException e) {
            events.on(new Event.Notice(Event.Level.WARN, "price API did not answer (" + e.getMessage() + "); using "
                    + catalog().source() + " of " + catalog().asOf()));
        }
        return catalog().type(type).map(t -> t.pricePerHour() * (resources.spot() ? 0.2 : 1.0) * count).orElse(-1.0);
    }

    // ---------------------------------------------------------------- creation

    /** Creates the machines at once (one RunInstances call each, in parallel); rolls back all of them when one fails. */
    @Override
    public CreateOutcome create(CreatePlan createPlan) {
        List<CreateRequest> requests = createPlan.requests();
        if (requests.isEmpty()) return CreateOutcome.of(List.of());
        validate(requests);
        List<String> wanted = requests.stream().map(CreateRequest::name).toList();
        List<Instance> existing = list();
        for (Instance gone : existing) {
            if (gone.state() == InstanceState.TERMINATED && wanted.contains(gone.name())) {
                events.on(new Event.Notice(Event.Level.WARN, gone.name() + " (" + gone.id() + ") was taken back by the cloud"
                        + " (spot); releasing it and creating a new one"));
                destroy(gone.id());
            }
        }
        List<String> taken = existing.stream().filter(i -> i.state() != InstanceState.TERMINATED).map(Instance::name).toList();
        for (CreateRequest r : requests) {
            if (taken.contains(r.name())) {
                throw new FastGpuException("an instance named " + r.name() + " already exists in " + api().region()
                        + "; 'fastgpu ls --stop' shows it (start or kill it)");
            }
        }
        String keyPair = keyPairs().ensure();
        List<Parallel.Outcome<CreateRequest, Instance>> outcomes = Parallel.each(requests, r -> createOne(r, keyPair));
        List<CreateOutcome.Failure> failed = outcomes.stream().filter(o -> !o.ok())
                .map(o -> new CreateOutcome.Failure(o.item().name(), o.error())).toList();
        List<Instance> made = outcomes.stream().filter(Parallel.Outcome::ok).map(Parallel.Outcome::value).toList();
        if (failed.isEmpty()) return CreateOutcome.of(made);
        List<String> released = new ArrayList<>();
        List<Instance> kept = new ArrayList<>();
        for (var o : Parallel.each(made, i -> { destroy(i.id()); return i.name(); })) {
            if (o.ok()) released.add(o.value()); else kept.add(o.item());
        }
        return new CreateOutcome(kept, failed, released);
    }

    private Instance createOne(CreateRequest r, String keyPair) {
        Plan plan = plan(r.resources(), r.zone().isEmpty() ? settings().zone() : r.zone());
        Network net = network(r.options().get(VPC_NAME));
        FastGpuException last = null;
        for (int z = 0; z < plan.zones().size(); z++) {
            String zone = plan.zones().get(z);
            Network.Placement where = net.in(zone);
            String nasDomain = "true".equals(r.options().get("nas")) ? storage().mountDomain(where) : "";
            RunInstancesRequest run = runRequest(r, plan, where, keyPair, nasDomain);
            try {
                var body = api().call("RunInstances", () -> api().ecs().runInstances(run)).getBody();
                String id = body.getInstanceIdSets().getInstanceIdSet().get(0);
                fresh.add(id);
                Map<String, String> tags = new HashMap<>(r.tags());
                tags.put("aliyun:zone", zone);
                return new Instance(id, r.name(), NAME, InstanceState.PENDING, plan.instanceType(),
                        catalog().type(plan.instanceType()).map(Catalog.Type::gpu).orElse("-"), "", "", Instant.now(), tags);
            } catch (CloudError e) {
                if (!e.code().contains("NoStock") && !e.is("Zone.NotOnSale") && !e.is("InvalidResourceType.NotSupported")) {
                    throw Errors.explain(e, plan.instanceType(), api().region(), zone);
                }
                last = e;
                String next = z + 1 < plan.zones().size() ? "; trying zone " + plan.zones().get(z + 1) : "";
                events.on(new Event.Notice(Event.Level.WARN, r.name() + ": no stock of " + plan.instanceType() + " in zone " + zone + next));
            }
        }
        throw new FastGpuException("no stock of " + plan.instanceType() + (r.resources().spot() ? " (spot)" : "") + " in "
                + String.join(", ", plan.zones()) + " of " + api().region()
                + "; try another instance type ('fastgpu querygpu') or region (ALIYUN_DEFAULT_REGION)", last);
    }

    private RunInstancesRequest runRequest(CreateRequest r, Plan plan, Network.Placement where, String keyPair, String nasDomain) {
        List<RunInstancesRequest.RunInstancesRequestTag> tags = new ArrayList<>();
        Map<String, String> all = new LinkedHashMap<>(r.tags());
        all.put(TAG_OWNER, settings().owner());
        if (!nasDomain.isEmpty()) all.put(TAG_NAS, nasDomain);
        all.forEach((k, v) -> tags.add(new RunInstancesRequest.RunInstancesRequestTag().setKey(k).setValue(v)));
        RunInstancesRequest run = new RunInstancesRequest()
                .setRegionId(api().region())
                .setZoneId(where.zone())
                .setInstanceType(plan.instanceType())
                .setImageId(plan.imageId())
                .setSecurityGroupId(where.securityGroupId())
                .setVSwitchId(where.vSwitchId())
                .setKeyPairName(keyPair)
                .setInstanceName(r.name())
                .setHostName(r.name())
                .setInstanceChargeType("PostPaid")
                .setInternetChargeType("PayByTraffic")
                .setInternetMaxBandwidthOut(100)
                .setSystemDisk(new RunInstancesRequest.RunInstancesRequestSystemDisk()
                        .setSize(String.valueOf(Math.max(20, r.resources().diskGb()))).setCategory("cloud_essd"))
                .setAmount(1)
                .setMinAmount(1)
                .setClientToken(UUID.randomUUID().toString())
                .setTag(tags);
        String dataDisk = r.options().getOrDefault(DATA_DISK_GB, "0");
        if (!dataDisk.equals("0") && !dataDisk.isBlank()) {
            run.setDataDisk(List.of(new RunInstancesRequest.RunInstancesRequestDataDisk().setSize(Integer.parseInt(dataDisk))
                    .setCategory("cloud_essd").setDeleteWithInstance(true)));
        }
        if (r.resources().spot()) {
            String limit = r.options().getOrDefault(SPOT_PRICE_LIMIT, "");
            if (limit.isBlank()) {
                run.setSpotStrategy("SpotAsPriceGo");
            } else {
                run.setSpotStrategy("SpotWithPriceLimit").setSpotPriceLimit(Float.parseFloat(limit));
            }
            run.setSpotDuration(1);
        }
        return run;
    }

    // ---------------------------------------------------------------- waiting

    /**
     * Polls every machine with one DescribeInstances call per round (up to 100 ids each), backing off, and checks
     * SSH on each as soon as it runs; answers as soon as the last check ends, without waiting for the next round.
     */
    @Override
    public List<Instance> awaitReady(List<String> ids, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Instance> ready = new ConcurrentHashMap<>();
        Map<String, String> lastSeen = new ConcurrentHashMap<>();
        Map<String, java.util.concurrent.Future<?>> probing = new ConcurrentHashMap<>();
        var pool = java.util.concurrent.Executors.newFixedThreadPool(Math.min(32, Math.max(1, ids.size())), r -> {
            Thread t = new Thread(r, "fastgpu-aliyun-ssh");
            t.setDaemon(true);
            return t;
        });
        Map<String, FastGpuException> failures = new ConcurrentHashMap<>();
        Object progress = new Object(); // notified whenever an SSH check ends
        try {
            for (int round = 0; ready.size() + failures.size() < ids.size(); round++) {
                List<String> pending = ids.stream().filter(i -> !ready.containsKey(i) && !probing.containsKey(i)).toList();
                for (int from = 0; from < pending.size(); from += 100) {
                    List<String> chunk = pending.subList(from, Math.min(pending.size(), from + 100));
                    Map<String, DescribeInstancesResponseBodyInstancesInstance> found = new HashMap<>();
                    for (var i : describe(null, chunk)) found.put(i.getInstanceId(), i);
                    for (String id : chunk) {
                        var i = found.get(id);
                        if (i == null) {
                            failures.put(id, new NotFoundException("instance " + id + " no longer exists (released, or reclaimed as a spot instance)"));
                            continue;
                        }
                        lastSeen.put(id, i.getStatus());
                        if (reclaimed(i)) {
                            failures.put(id, new FastGpuException(i.getInstanceName() + " (" + id + ") was taken back by the cloud"
                                    + " (spot); launch again to get a new machine for it"));
                        } else if ("Stopped".equals(i.getStatus())) {
                            failures.put(id, new FastGpuException(i.getInstanceName() + " (" + id + ") is stopped; start it with 'fastgpu start "
                                    + i.getInstanceName() + "'"));
                        } else if ("Running".equals(i.getStatus())) {
                            Instance inst = toInstance(i);
                            if (inst.publicIp().isEmpty()) continue;
                            if (fresh.remove(id)) forgetHostKey(inst.publicIp()); // a new machine on a possibly reused address
                            probing.put(id, pool.submit(() -> {
                                try {
                                    awaitSsh(inst, deadline);
                                    ready.put(id, inst);
                                } catch (FastGpuException e) {
                                    failures.put(id, e);
                                } finally {
                                    synchronized (progress) {
                                        progress.notifyAll();
                                    }
                                }
                            }));
                        }
                    }
                }
                if (ready.size() + failures.size() >= ids.size()) break;
                if (System.nanoTime() > deadline) {
                    for (String id : ids) {
                        if (!ready.containsKey(id) && !failures.containsKey(id) && !probing.containsKey(id)) {
                            failures.put(id, new FastGpuException("instance " + id + " is not Running after " + timeout.toSeconds()
                                    + " s (last state " + lastSeen.getOrDefault(id, "unknown") + "); see the console, or"
                                    + " 'fastgpu ls --stop', and check the instance type's stock and your quota"));
                        }
                    }
                    if (probing.keySet().stream().allMatch(i -> ready.containsKey(i) || failures.containsKey(i))) break;
                }
                // Until the next poll, or sooner when the SSH checks of the last machines have ended.
                long wake = System.nanoTime() + CloudApi.backoff(Math.min(round, 3)).toNanos();
                synchronized (progress) {
                    long left;
                    while (ready.size() + failures.size() < ids.size() && (left = wake - System.nanoTime()) > 0) {
                        try {
                            progress.wait(Math.max(1, left / 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new FastGpuException("interrupted");
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        if (!failures.isEmpty()) {
            List<String> lines = ids.stream().filter(failures::containsKey).map(i -> failures.get(i).getMessage()).toList();
            throw new FastGpuException(failures.size() + " of " + ids.size() + " instance(s) did not get ready: "
                    + String.join("; ", lines) + (ready.isEmpty() ? "" : " (ready: " + ready.size() + ")"));
        }
        return ids.stream().map(ready::get).toList();
    }

    private void awaitSsh(Instance inst, long deadline) {
        String lastError = "";
        while (true) {
            try {
                Transport t = transport(inst);
                String home = t.home();
                String nas = inst.tags().getOrDefault(TAG_NAS, "");
                if (!nas.isEmpty()) mountNas(inst, t, nas, home + "/fastgpu");
                return;
            } catch (NotMountedException e) {
                throw e;
            } catch (FastGpuException e) {
                lastError = e.getMessage();
                connector().disconnect(target(inst));
            }
            if (System.nanoTime() > deadline) {
                throw new FastGpuException(inst.name() + " (" + inst.id() + ") is Running but SSH to " + inst.publicIp() + ":"
                        + settings().sshPort() + " did not answer in time (last error: " + lastError + "); check that the"
                        + " security group lets your address in ('fastgpu addip " + inst.name() + "') and that the image runs sshd");
            }
            CloudApi.sleep(500);
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Starts a stopped instance. One still stopping (its stop was asked for moments ago, by a launch that ended or
     * was killed) cannot be started yet: it is waited for until it is stopped, then started.
     */
    @Override
    public void start(String id) {
        try {
            startInstance(id);
        } catch (CloudError e) {
            if (!e.is("IncorrectInstanceStatus") || !"Stopping".equals(one(id).getStatus())) throw e;
            if (awaitStopped(id, STOPPING_TIMEOUT)) startInstance(id);
        }
        seen.remove(id);
    }

    private void startInstance(String id) {
        api().call("StartInstances", () -> api().ecs().startInstances(new StartInstancesRequest()
                .setRegionId(api().region()).setInstanceId(List.of(id))));
    }

    /** Waits while the instance is Stopping; true once it is Stopped, false if it went another way (started meanwhile). */
    private boolean awaitStopped(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int round = 0; ; round++) {
            var i = one(id);
            if ("Stopped".equals(i.getStatus())) return true;
            if (!"Stopping".equals(i.getStatus())) return false;
            if (System.nanoTime() > deadline) {
                throw new FastGpuException(i.getInstanceName() + " (" + id + ") is still stopping after " + timeout.toSeconds()
                        + " s; start it later with 'fastgpu start " + i.getInstanceName() + "'");
            }
            CloudApi.sleep(CloudApi.backoff(Math.min(round, 3)).toMillis());
        }
    }

    /** Stops without charging for compute where the instance allows it (pay-as-you-go in a VPC). */
    @Override
    public void stop(String id) {
        var inst = one(id);
        if ("Stopped".equals(inst.getStatus()) || "Stopping".equals(inst.getStatus())) return;
        Instance i = toInstance(inst);
        if (!i.publicIp().isEmpty()) connector().disconnect(target(i));
        api().call("StopInstances", () -> api().ecs().stopInstances(new StopInstancesRequest()
                .setRegionId(api().region()).setInstanceId(List.of(id)).setStoppedMode("StopCharging")));
        seen.put(id, new Seen(i.withState(InstanceState.STOPPING), System.nanoTime()));
    }

    @Override
    public void destroy(String id) {
        Instance i = toInstance(one(id));
        if (!i.publicIp().isEmpty()) {
            connector().disconnect(target(i));
            forgetHostKey(i.publicIp());
        }
        api().call("DeleteInstance", () -> api().ecs().deleteInstance(new DeleteInstanceRequest().setInstanceId(id).setForce(true)));
        seen.remove(id);
    }

    @Override
    public void rename(String id, String newName) {
        if (!newName.matches("[A-Za-z][A-Za-z0-9._:-]{1,127}")) {
            throw new InvalidSpecException("'" + newName + "' is not allowed as an instance name (2-128 letters, digits, '.', '_', ':', '-')");
        }
        if (list().stream().anyMatch(i -> i.name().equals(newName))) {
            throw new FastGpuException("an instance named " + newName + " already exists");
        }
        api().call("ModifyInstanceAttribute", () -> api().ecs().modifyInstanceAttribute(new ModifyInstanceAttributeRequest()
                .setInstanceId(id).setInstanceName(newName)));
    }

    // ---------------------------------------------------------------- reaching machines

    private void forgetHostKey(String ip) {
        SshConnector.forgetHost(knownHosts(), ip);
    }

    @Override
    public boolean forgetHost(String host) { return SshConnector.forgetHost(knownHosts(), host); }

    @Override
    public String location() { return knownHosts().toString(); }

    private SshTarget target(Instance i) {
        return new SshTarget(i.publicIp(), settings().sshPort(), "root", List.of(settings().privateKey()), "");
    }

    @Override
    public Transport transport(Instance instance) {
        Seen s = seen.get(instance.id());
        Instance i = s != null && System.nanoTime() - s.atNanos() < SEEN_FRESH_NANOS ? s.instance() : toInstance(one(instance.id()));
        if (i.state() == InstanceState.STOPPED || i.state() == InstanceState.STOPPING) {
            throw new FastGpuException(i.name() + " is " + i.state().label() + "; start it with 'fastgpu start " + i.name() + "'");
        }
        if (i.publicIp().isEmpty()) throw new FastGpuException(i.name() + " has no public address yet (state " + i.state().label() + ")");
        return new SshTransport(connector(), target(i), i.name(), Map.of(), null);
    }

    @Override
    public String runRoot(Instance instance) { return transport(instance).home() + "/fastgpu"; }

    @Override
    public String costNotice() { return "Costs of the resources (ECS/VPC/NAS) will be charged on your Aliyun account"; }

    @Override
    public int rendezvousPort(String job) {
        // Tasks of a job are whole machines; vary the port per job so that jobs sharing a host (the emulator) never clash.
        return 29500 + Math.floorMod(job.hashCode(), 2000);
    }

    private void mountNas(Instance inst, Transport t, String domain, String dir) {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int rc = t.exec(SharedStorage.mountScript(domain, dir), new io.fastgpu.core.transport.OutputSink() {
            @Override public void stdout(byte[] b, int n) { }
            @Override public void stderr(byte[] b, int n) { err.write(b, 0, n); }
        }, Duration.ofMinutes(2));
        if (rc != 0) {
            throw new NotMountedException(inst.name() + ": could not mount NAS " + domain + " at " + dir + " (exit " + rc + "): "
                    + err.toString(java.nio.charset.StandardCharsets.UTF_8).strip());
        }
    }

    /** A failure to mount: not something waiting longer would fix. */
    static final class NotMountedException extends FastGpuException {
        NotMountedException(String message) { super(message); }
    }

    /** Mounts the zone's shared NAS at the run root of a running instance (creating the file system if needed). */
    @Override
    public String mount(Instance instance) {
        Instance i = toInstance(one(instance.id()));
        if (!i.state().isRunning()) throw new FastGpuException(i.name() + " is " + i.state().label() + "; start it first");
        String zone = i.tags().getOrDefault("aliyun:zone", "");
        Network.Placement where = network(null).in(zone);
        String domain = storage().mountDomain(where);
        Transport t = transport(i);
        String dir = t.home() + "/fastgpu";
        mountNas(i, t, domain, dir);
        return domain + " at " + dir;
    }

    // ---------------------------------------------------------------- CLI extras

    /** Opens SSH to {@code address} in the security group of the region's FastGPU network. */
    @Override
    public void allowSsh(String address) {
        if (!address.matches("\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?")) {
            throw new InvalidSpecException("'" + address + "' is not an IPv4 address (like 203.0.113.7 or 203.0.113.0/24)");
        }
        network(null).allowSsh(address);
    }

    /** The GPU instance types, with what the table knows about them. */
    @Override
    public List<GpuOffer> gpuOffers() {
        List<GpuOffer> r = new ArrayList<>();
        for (Catalog.Type t : catalog().gpuTypes()) {
            r.add(new GpuOffer(t.id(), t.gpuModel(), t.gpuCount(), t.gpuMemoryGb(), t.vcpu(), t.memoryGb(), t.pricePerHour()));
        }
        return r;
    }

    /** Where the prices of {@link #gpuOffers()} come from. */
    @Override
    public String priceSource() { return catalog().source() + (catalog().asOf().isEmpty() ? "" : " of " + catalog().asOf()); }

    @Override
    public List<Image> images() {
        return new Images(api()).list().stream().map(i -> new Image(i.id(), i.name(), i.os(), i.sizeGb(), i.created())).toList();
    }

    @Override
    public String currency() { return "CNY"; }

    @Override
    public synchronized void close() {
        if (connector != null) connector.close();
    }

    // ---------------------------------------------------------------- helpers

    private static String json(List<String> ids) {
        StringBuilder sb = new StringBuilder("[");
        for (int k = 0; k < ids.size(); k++) sb.append(k == 0 ? "" : ",").append('"').append(ids.get(k)).append('"');
        return sb.append(']').toString();
    }

    private static String first(List<String> l) { return l == null || l.isEmpty() ? "" : nz(l.get(0)); }

    private static String nz(String s) { return s == null ? "" : s; }
}
