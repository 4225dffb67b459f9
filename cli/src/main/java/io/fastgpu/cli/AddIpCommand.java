package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.spi.facet.Firewall;
import io.fastgpu.core.util.PublicAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code fastgpu addip}: let this machine's address reach the job's machines over SSH. */
@Command(name = "addip", mixinStandardHelpOptions = true,
        description = {"Open SSH (22/tcp) in the FastGPU security group to your public address (or --ip).",
                "Nothing else is opened to the outside; the group's machines always reach each other."})
final class AddIpCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "NAME", arity = "0..1", description = "A job or instance name (for the message; the group is shared).")
    String name;

    @Option(names = "--ip", paramLabel = "ADDRESS", description = "The address or CIDR to allow (default: your public address).")
    String ip;

    AddIpCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        var firewall = Facets.require(ctx, Firewall.class, "addip");
        String address = ip != null ? ip.strip() : publicAddress();
        firewall.allowSsh(address);
        ctx.out().println("SSH is open to " + address + (name == null ? "" : " for " + name) + ": " + ctx.style().green("done"));
        return 0;
    }

    private String publicAddress() {
        String url = ctx.env().getOrDefault(PublicAddress.URL_SETTING, PublicAddress.DEFAULT_URL);
        try {
            return PublicAddress.lookup(url);
        } catch (PublicAddress.NotFound e) {
            throw new FastGpuException(e.getMessage() + "; pass --ip ADDRESS");
        }
    }
}
