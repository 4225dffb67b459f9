package io.fastgpu.cli;

import io.fastgpu.core.spi.facet.MachineCatalog;
import io.fastgpu.core.spi.facet.MachineCatalog.GpuOffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code fastgpu querygpu}: the GPU instance types, with GPU model, count, memory and an hourly price. */
@Command(name = "querygpu", mixinStandardHelpOptions = true,
        description = "List Alibaba Cloud GPU instance types: GPU model, count, GPU memory and a rough hourly price.")
final class QueryGpuCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = "--gpu", paramLabel = "MODEL", description = "Only this GPU model (V100, A10, A100, T4, ...).")
    String gpu;

    @Mixin JsonOption output;

    QueryGpuCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var p = Facets.require(ctx, MachineCatalog.class, "querygpu");
        List<GpuOffer> offers = p.gpuOffers().stream()
                .filter(o -> gpu == null || o.gpuModel().equalsIgnoreCase(gpu)).toList();
        if (output.json) {
            ctx.out().println(Json.list(offers.stream().map(o -> Json.object(
                    "instance_type", o.instanceType(), "gpu", o.gpuModel(), "gpu_count", o.gpuCount(),
                    "gpu_memory_gb", o.gpuMemoryGb(), "vcpu", o.vcpu(), "memory_gb", o.memoryGb(),
                    "price_per_hour", o.pricePerHour())).toList()));
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        for (GpuOffer o : offers) {
            rows.add(new String[]{o.instanceType(), o.gpuModel() + " x " + o.gpuCount(), o.gpuMemoryGb() + " GB",
                    String.valueOf(o.vcpu()), String.format(Locale.ROOT, "%.0f GB", o.memoryGb()),
                    String.format(Locale.ROOT, "%.2f", o.pricePerHour())});
        }
        Table.print(ctx.out(), new String[]{"Instance Type", "GPU", "GPU Memory", "vCPU", "Memory", "Price/hour (" + p.currency() + ")"}, rows);
        ctx.out().println("Prices: pay-as-you-go estimates from " + p.priceSource() + "; spot is usually far cheaper.");
        return 0;
    }
}
