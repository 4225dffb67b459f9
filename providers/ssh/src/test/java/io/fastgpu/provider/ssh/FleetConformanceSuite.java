package io.fastgpu.provider.ssh;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.Instance;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The conformance suite on a fleet of three hosts, whichever kind: what the ssh backend shows for its hooks. */
abstract class FleetConformanceSuite extends ProviderConformanceSuite {
    /** The hosts the fleet lists (at least three). */
    protected abstract FleetHosts hosts();

    @Override
    protected Provider createProvider(Path scratch) {
        hosts().writeFleet(scratch.resolve("home"), "conformance", 3, false);
        return new SshProvider(scratch.resolve("home"), EventListener.NONE);
    }

    @Override
    protected Map<String, String> options() { return Map.of(SshProvider.FLEET, "conformance"); }

    /** Task i claims the i-th free host of the fleet, whose hosts are listed by address. */
    @Override
    protected boolean addressesInOrder() { return true; }

    /** Between validate and create another job claims two of the fleet's three hosts: one is left for a plan of two. */
    @Override
    protected Failing failingRequest(String name) {
        return new Failing(request(name), () -> provider.create(provider.validate(List.of(
                request("other0.conformance", "other", Resources.DEFAULT, ""),
                request("other1.conformance", "other", Resources.DEFAULT, "")))).orThrow());
    }

    /** The host taken out of the fleet by its owners. */
    @Override
    protected void destroyOutside(Instance instance) {
        Path fleet = scratch.resolve("home/fleets/conformance.yaml");
        try {
            List<String> kept = Files.readAllLines(fleet).stream()
                    .filter(l -> !l.contains("{host: " + instance.privateIp() + "}")).toList();
            Files.write(fleet, kept);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The claims held. */
    @Override
    protected Object traces() {
        Path claims = scratch.resolve("home/ssh/claims");
        if (!Files.isDirectory(claims)) return List.of();
        try (Stream<Path> files = Files.list(claims)) {
            return files.map(Path::toString).filter(f -> f.endsWith(".claim")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
