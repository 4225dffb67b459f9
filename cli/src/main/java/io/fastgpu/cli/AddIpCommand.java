package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.spi.facet.Firewall;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
        String address = ip != null ? ip.strip() : publicAddress(ctx.env().getOrDefault("FASTGPU_PUBLIC_IP_URL", "https://api.ipify.org"));
        firewall.allowSsh(address);
        ctx.out().println("SSH is open to " + address + (name == null ? "" : " for " + name) + ": " + ctx.style().green("done"));
        return 0;
    }

    private static String publicAddress(String url) {
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).GET().build(),
                            HttpResponse.BodyHandlers.ofString());
            String body = r.body().strip();
            if (r.statusCode() == 200 && body.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return body;
            throw new FastGpuException("could not find your public address at " + url + " (answer " + r.statusCode() + "); pass --ip ADDRESS");
        } catch (java.io.IOException e) {
            throw new FastGpuException("could not find your public address at " + url + " (" + e.getMessage() + "); pass --ip ADDRESS");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted");
        }
    }
}
