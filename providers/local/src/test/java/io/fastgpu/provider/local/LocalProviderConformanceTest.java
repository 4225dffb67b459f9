package io.fastgpu.provider.local;

import io.fastgpu.api.Instance;
import io.fastgpu.core.spi.Provider;
import io.fastgpu.core.spi.ProviderConformanceSuite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The local backend passes the suite every provider must pass. */
class LocalProviderConformanceTest extends ProviderConformanceSuite {
    @Override
    protected Provider createProvider(Path scratch) {
        return new LocalProvider(scratch.resolve("home/local"));
    }

    /** Each new sandbox gets the lowest free loopback address. */
    @Override
    protected boolean addressesInOrder() { return true; }

    /** Its sandbox folder deleted by hand. */
    @Override
    protected void destroyOutside(Instance instance) {
        try (Stream<Path> walk = Files.walk(((LocalProvider) provider).homeOf(instance.id()).getParent())) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The sandboxes there are. */
    @Override
    protected Object traces() {
        Path instances = scratch.resolve("home/local/instances");
        if (!Files.isDirectory(instances)) return List.of();
        try (Stream<Path> dirs = Files.list(instances)) {
            return dirs.map(Path::toString).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
