package io.fastgpu.cli;

import io.fastgpu.core.spi.facet.HostKeyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fastgpu forget-host HOST}: drop a pinned SSH host key after a machine was reinstalled. */
@Command(name = "forget-host", mixinStandardHelpOptions = true,
        description = {"Forget the pinned SSH host key of a machine that was really reinstalled,",
                "so the next connection pins its new key. FastGPU refuses changed keys until then.",
                "Every backend that pins host keys (ssh fleets, aliyun instances) is asked."})
final class ForgetHostCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "HOST", description = "Host name or address, or [host]:port.")
    String host;

    ForgetHostCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        List<String> stores = new ArrayList<>();
        boolean forgot = false;
        var fg = ctx.fastGpu();
        for (String name : fg.providers().names()) {
            var store = fg.provider(name).capabilities().facet(HostKeyStore.class);
            if (store.isEmpty()) continue;
            stores.add(store.get().location());
            if (store.get().forgetHost(host)) {
                forgot = true;
                ctx.out().println("forgot the host key of " + host + " (" + name + "); the next connection pins the key it offers");
            }
        }
        if (forgot) return 0;
        ctx.err().println("no pinned host key for " + host + " in " + String.join(" or ", stores));
        return 1;
    }
}
