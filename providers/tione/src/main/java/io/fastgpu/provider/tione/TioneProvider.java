package io.fastgpu.provider.tione;

import com.fasterxml.jackson.databind.JsonNode;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.Resources;
import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.spi.Capabilities;
import io.fastgpu.core.spi.CreateOutcome;
import io.fastgpu.core.spi.CreatePlan;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.transport.Transport;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code backend: tione}: Tencent Cloud TI-ONE training tasks. A job is one managed task (the
 * {@link ManagedTraining} facet launches it); {@code list} shows the account's tasks, {@code stop} is
 * StopTrainingTask and {@code destroy} DeleteTrainingTask. Its nodes have no shell, so the machine
 * commands (exec, ssh, scp, tmux, start, rename, create) say so in one line.
 */
public final class TioneProvider implements Provider {
    public static final String NAME = "tione";
    /** The tag that carries a task's node count in listings. */
    public static final String NODES_TAG = "fastgpu:nodes";

    private final TioneSettings settings;
    private final TioneClients clients;
    private final Capabilities capabilities;

    TioneProvider(TioneSettings settings) {
        this.settings = settings;
        this.clients = new TioneClients(settings);
        TioneManaged managed = new TioneManaged(settings, clients);
        this.capabilities = new Capabilities(true, true, true)
                .with(ManagedTraining.class, managed)
                .with(Pricing.class, new Pricing() {
                    @Override public double hourlyPrice(Resources resources, int count) { return price(resources.instanceType(), count); }

                    @Override public String costNotice() { return "charged to your Tencent Cloud account (" + settings.region() + ")"; }

                    @Override public String priceSource() { return "TI-ONE DescribeBillingSpecsPrice, " + settings.region(); }
                })
                .with(TioneTools.class, new TioneTools(settings, clients, managed));
    }

    @Override public String name() { return NAME; }

    @Override public Capabilities capabilities() { return capabilities; }

    @Override public boolean configured() { return settings.configured(); }

    private double price(String spec, int count) {
        try {
            JsonNode p = clients.api().call("DescribeBillingSpecsPrice", Map.of("TaskType", "TRAIN", "ChargeType", "POSTPAID_BY_HOUR",
                    "SpecsParam", List.of(Map.of("SpecName", spec, "SpecCount", count))));
            return p.path("SpecsPrice").path(0).path("RealTotalCost").asLong(-100) / 100.0;
        } catch (FastGpuException e) {
            return -1;
        }
    }

    @Override
    public List<Instance> list() {
        List<Instance> out = new ArrayList<>();
        for (JsonNode t : clients.api().call("DescribeTrainingTasks", Map.of("Limit", 100)).path("TrainingTaskSet")) {
            JsonNode res = t.path("ResourceConfigInfos").path(0);
            int nodes = res.path("InstanceNum").asInt(1);
            Map<String, String> tags = new LinkedHashMap<>();
            for (JsonNode tag : t.path("Tags")) tags.put(tag.path("TagKey").asText(), tag.path("TagValue").asText());
            tags.put(NODES_TAG, String.valueOf(nodes));
            tags.put("tione:status", t.path("Status").asText());
            String gpu = res.path("GpuType").asText("").isEmpty() ? nodes + " nodes"
                    : res.path("GpuType").asText() + " x" + Math.max(1, res.path("Gpu").asInt(100) / 100) + ", " + nodes + " nodes";
            Instant created = parse(t.path("CreateTime").asText(""));
            out.add(new Instance(t.path("Id").asText(), t.path("Name").asText(), NAME, state(t.path("Status").asText()),
                    res.path("InstanceType").asText(), gpu, "", "", created, tags));
        }
        return out;
    }

    static InstanceState state(String status) {
        return switch (status) {
            case "SUBMITTING", "PENDING" -> InstanceState.PENDING;
            case "STARTING" -> InstanceState.STARTING;
            case "RUNNING" -> InstanceState.RUNNING;
            case "STOPPING" -> InstanceState.STOPPING;
            case "STOPPED", "SUCCEED", "FAILED" -> InstanceState.STOPPED;
            default -> InstanceState.UNRECOGNIZED;
        };
    }

    private static Instant parse(String iso) {
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    @Override
    public CreatePlan validate(List<CreateRequest> requests) {
        throw unsupported("create machines: launch a job file with 'fastgpu launch' (one training task per launch)");
    }

    @Override
    public CreateOutcome create(CreatePlan plan) { throw unsupported("create machines"); }

    @Override
    public List<Instance> awaitReady(List<String> ids, Duration timeout) { throw unsupported("wait for machines"); }

    @Override
    public void start(String id) { throw unsupported("start a task again: launch the job again"); }

    @Override
    public void stop(String id) {
        String status = clients.api().call("DescribeTrainingTask", Map.of("Id", id)).path("TrainingTaskDetail").path("Status").asText();
        if (state(status) == InstanceState.STOPPED || status.equals("STOPPING")) return;
        clients.api().call("StopTrainingTask", Map.of("Id", id));
    }

    @Override
    public void destroy(String id) { clients.api().call("DeleteTrainingTask", Map.of("Id", id)); }

    @Override
    public void rename(String id, String newName) { throw unsupported("rename a task"); }

    @Override
    public Transport transport(Instance instance) {
        throw unsupported("run commands on its nodes (exec, ssh, scp, tmux): 'fastgpu tione logs " + instance.name()
                + "' shows what the task prints");
    }

    @Override
    public String runRoot(Instance instance) { return "/opt/ml/output"; }

    static FastGpuException unsupported(String what) {
        return new FastGpuException("backend tione runs managed training tasks, which cannot " + what);
    }

    @Override
    public void close() { clients.close(); }

    @Override
    public String toString() { return "TioneProvider[" + settings + "]"; }

    static String money(double cny) { return String.format(Locale.ROOT, "%.2f", cny); }
}
