package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.spi.facet.NetworkStorage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fastgpu mount}: the shared NAS at the run root of running instances. */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"Mount the zone's shared NAS file system at the run root (~/fastgpu) of running aliyun instances.",
                "The file system and its mount target are made on first use (NAS is charged by use)."})
final class MountCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Mixin InstanceName target;

    MountCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var selected = InstanceSelector.select(ctx.fastGpu(), target.name);
        List<String> notAliyun = new ArrayList<>();
        for (var s : selected) if (s.provider().capabilities().facet(NetworkStorage.class).isEmpty()) notAliyun.add(s.instance().name());
        if (!notAliyun.isEmpty()) {
            throw new FastGpuException("their backend has no shared file system to mount (aliyun's NAS has): " + String.join(", ", notAliyun));
        }
        return Lifecycle.apply(ctx, selected, "mount NAS on", s -> s.provider().capabilities().facet(NetworkStorage.class).orElseThrow().mount(s.instance()));
    }
}
