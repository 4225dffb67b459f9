package io.fastgpu.provider.aliyun;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.Capabilities;
import io.fastgpu.core.spi.CreateOutcome;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.Firewall;
import io.fastgpu.core.spi.facet.HostKeyStore;
import io.fastgpu.core.spi.facet.MachineCatalog;
import io.fastgpu.core.spi.facet.NetworkStorage;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.spi.facet.SelfStop;
import io.fastgpu.core.spi.facet.LeftoverSweep;
import io.fastgpu.core.spi.facet.RendezvousPorts;
import io.fastgpu.core.spi.facet.SharedAccount;
import io.fastgpu.core.transport.Transport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Alibaba Cloud ECS through the official SDKs: buys GPU instances in the FastGPU network of a region, reaches them
 * over SSH with the region's FastGPU key pair, stops them (without charging for compute) and releases them.
 * Everything it makes is tagged ({@code fastgpu:job}, {@code fastgpu:task}, {@code fastgpu:owner}), so listings and
 * clean-up find it without local state.
 *
 * <p>This class only wires the parts, each in a file named for its job: {@link CreationPlanner} (checks, and the
 * {@link AliyunPlan} it hands on), {@link CallerAccess} (SSH open to the launching machine), {@link InstanceCreator}
 * (buying, zone fallback, rollback), {@link ReadinessWait}, {@link Lifecycle} (start, stop, release, rename),
 * {@link SpotReclaim}, {@link InstanceLookup} and {@link InstanceMapper} (what the API answers, in our terms), and
 * the facets {@link AliyunPricing}, {@link RegionScope}, {@link SshFirewall}, {@link NasMount},
 * {@link AliyunMachineCatalog} and {@link KnownHosts}. The cloud's SDK is used only in the {@code wire} package.
 */
public final class AliyunProvider implements Provider {
    public static final String NAME = "aliyun";
    /** Backend options a job file may give. */
    public static final String VPC_NAME = "vpc_name";
    public static final String DATA_DISK_GB = "data_disk_gb";
    public static final String SPOT_PRICE_LIMIT = "spot_price_limit";

    private final CloudAccess cloud;
    private final InstanceLookup lookup;
    private final KnownHosts knownHosts;
    private final SshConnections ssh;
    private final Lifecycle lifecycle;
    private final CreationPlanner planner;
    private final InstanceCreator creator;
    private final ReadinessWait readiness;
    private final Capabilities capabilities;

    public AliyunProvider(Path home, EventListener events, Map<String, String> env, Path userHome) {
        cloud = new CloudAccess(home, events, env, userHome);
        InstanceMapper mapper = new InstanceMapper(cloud::catalog);
        lookup = new InstanceLookup(cloud, mapper);
        knownHosts = new KnownHosts(home);
        ssh = new SshConnections(cloud, knownHosts, lookup);
        lifecycle = new Lifecycle(cloud, lookup, ssh, knownHosts);
        CallerAccess caller = new CallerAccess(cloud);
        planner = new CreationPlanner(cloud, caller);
        creator = new InstanceCreator(cloud, planner, caller, lookup, mapper, new SpotReclaim(events, lifecycle::destroy), knownHosts,
                lifecycle::destroy);
        readiness = new ReadinessWait(cloud, lookup, ssh, knownHosts);
        AliyunPricing pricing = new AliyunPricing(cloud);
        capabilities = new Capabilities(true, true, false)
                .with(Pricing.class, pricing)
                .with(SharedAccount.class, new RegionScope(cloud, lookup))
                .with(RendezvousPorts.class, AliyunProvider::rendezvousPort)
                .with(Firewall.class, new SshFirewall(cloud))
                .with(NetworkStorage.class, new NasMount(cloud, lookup, ssh))
                .with(MachineCatalog.class, new AliyunMachineCatalog(cloud))
                .with(HostKeyStore.class, knownHosts)
                .with(SelfStop.class, new PowerOff(cloud))
                .with(LeftoverSweep.class, new AliyunSweep(cloud, pricing));
    }

    @Override public String name() { return NAME; }

    @Override public Capabilities capabilities() { return capabilities; }

    @Override public boolean configured() { return cloud.configured(); }

    /** API calls made so far by this provider (for benchmarks). */
    public long apiCalls() { return cloud.apiCalls(); }

    @Override public List<Instance> list() { return lookup.list(false); }

    /** Every FastGPU machine of the region, other users' too. */
    public List<Instance> listAllOwners() { return lookup.list(true); }

    /** Read-only: the plan's details say what {@link #create} will buy, where, and which SSH rule it will add first. */
    @Override public CreatePlan validate(List<CreateRequest> requests) { return planner.validate(requests); }

    @Override public CreateOutcome create(CreatePlan plan) { return creator.create(plan); }

    @Override public List<Instance> awaitReady(List<String> ids, Duration timeout) { return readiness.await(ids, timeout); }

    @Override public void start(String id) { lifecycle.start(id); }

    @Override public void stop(String id) { lifecycle.stop(id); }

    @Override public void destroy(String id) { lifecycle.destroy(id); }

    @Override public void rename(String id, String newName) { lifecycle.rename(id, newName); }

    @Override public Transport transport(Instance instance) { return ssh.transport(instance); }

    @Override public String runRoot(Instance instance) { return transport(instance).home() + "/fastgpu"; }

    /** Tasks of a job are whole machines; the port varies per job so that jobs sharing a host (the emulator) never clash. */
    static int rendezvousPort(String job) { return RendezvousPorts.DEFAULT + Math.floorMod(job.hashCode(), 2000); }

    @Override public void close() { ssh.close(); }
}
