package io.fastgpu.core.spi;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.Resources;
import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.spi.facet.Firewall;
import io.fastgpu.core.spi.facet.HostKeyStore;
import io.fastgpu.core.spi.facet.MachineCatalog;
import io.fastgpu.core.spi.facet.NetworkStorage;
import io.fastgpu.core.spi.facet.Pricing;
import io.fastgpu.core.spi.facet.Probing;
import io.fastgpu.core.spi.facet.RendezvousPorts;
import io.fastgpu.core.spi.facet.SharedAccount;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every provider must do, whatever it talks to. A provider's test extends this and says how to make
 * the provider, how a machine goes away outside FastGPU, how one request of a plan can be made to fail, and
 * what validate must not leave behind; the suite creates machines named {@code task{i}.conformance} (and
 * {@code *.conformance} of other jobs) and removes them afterwards.
 */
public abstract class ProviderConformanceSuite {
    @TempDir protected Path scratch;
    protected Provider provider;

    /** Makes the provider under test. */
    protected abstract Provider createProvider(Path scratch);

    /** Backend options of the machines the suite creates (e.g. which fleet). */
    protected Map<String, String> options() { return Map.of(); }

    /**
     * A request that {@link Provider#validate} accepts but {@link Provider#create} cannot serve, because of what
     * {@code afterValidate} does to the world between the two (as another user, another job or the cloud could).
     */
    public record Failing(CreateRequest request, Runnable afterValidate) { }

    /**
     * For the rollback check: the request for a machine named {@code name} that will fail. By default its name is
     * taken after validate: a machine called {@code name} is made first, so the plan's one cannot be.
     */
    protected Failing failingRequest(String name) {
        return new Failing(request(name), () -> provider.create(provider.validate(List.of(request(name)))).orThrow());
    }

    /**
     * Whether the provider hands out addresses in order (the lowest free one to the next machine), so that a plan's
     * task0 gets the first; a cloud that picks addresses itself does not.
     */
    protected boolean addressesInOrder() { return false; }

    /**
     * Removes the machine the way the world outside FastGPU can: deleted by hand, released in a console, taken back
     * by the cloud, dropped from a fleet.
     */
    protected abstract void destroyOutside(Instance instance);

    /**
     * What {@link Provider#validate} must leave as it was besides {@link Provider#list}, as a value to compare:
     * claims taken, sandboxes made, calls that buy or change something. Empty by default.
     */
    protected Object traces() { return List.of(); }

    @BeforeEach
    void makeProvider() { provider = createProvider(scratch); }

    @AfterEach
    void removeWhatTheSuiteMade() {
        if (provider == null) return; // the backend under test was not available (skipped)
        for (Instance i : provider.list()) {
            if (i.name().endsWith(".conformance")) provider.destroy(i.id());
        }
        provider.close();
    }

    /** A request of job {@code conformance} for a machine named {@code name} ({@code task{i}.conformance}). */
    protected CreateRequest request(String name) { return request(name, "conformance", Resources.DEFAULT, ""); }

    /** A request of job {@code job} for a machine named {@code name}, of the given resources, in {@code zone}. */
    protected CreateRequest request(String name, String job, Resources resources, String zone) {
        return new CreateRequest(name, resources, zone,
                Map.of(Tags.JOB, job, Tags.TASK, name.replaceAll("^\\D*(\\d*).*$", "$1")), options());
    }

    private Instance create(String name) {
        Instance i = provider.create(provider.validate(List.of(request(name)))).orThrow().get(0);
        return provider.awaitReady(List.of(i.id()), Duration.ofMinutes(5)).get(0);
    }

    private Optional<Instance> findByName(String name) {
        return provider.list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private static String exec(Transport t, String script) { return exec(t, script, null); }

    private static String exec(Transport t, String script, java.io.InputStream stdin) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = t.exec(script, new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { }
        }, Duration.ofSeconds(60), stdin);
        return rc + ":" + out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void createdMachinesAreListedRunningWithTheirTagsAndDistinctAddresses() {
        Instance a = create("task0.conformance");
        Instance b = create("task1.conformance");
        assertThat(a.state()).isEqualTo(InstanceState.RUNNING);
        assertThat(provider.list()).extracting(Instance::name).contains("task0.conformance", "task1.conformance");
        assertThat(findByName("task1.conformance")).get().extracting(Instance::id).isEqualTo(b.id());
        assertThat(findByName("task0.conformance").orElseThrow().tags()).containsEntry("fastgpu:job", "conformance");
        assertThat(a.privateIp()).isNotEmpty().isNotEqualTo(b.privateIp());
        assertThat(a.backend()).isEqualTo(provider.name());
    }

    @Test
    void aSecondMachineWithTheSameNameIsRefused() {
        create("task0.conformance");
        assertThatThrownBy(() -> create("task0.conformance")).isInstanceOf(FastGpuException.class)
                .hasMessageContaining("task0.conformance");
    }

    @Test
    void theTransportRunsBashAndMovesFiles() throws Exception {
        Transport t = provider.transport(create("task0.conformance"));
        assertThat(exec(t, "pwd; exit 3")).isEqualTo("3:" + t.home() + "\n");
        t.write(t.home() + "/dir/a.txt", "héllo\n".getBytes(StandardCharsets.UTF_8));
        assertThat(t.exists(t.home() + "/dir/a.txt")).isTrue();
        assertThat(t.exists(t.home() + "/dir/missing")).isFalse();
        assertThat(new String(t.read(t.home() + "/dir/a.txt"), StandardCharsets.UTF_8)).isEqualTo("héllo\n");

        Path local = Files.writeString(scratch.resolve("up.txt"), "uploaded\n");
        AtomicLong bytes = new AtomicLong();
        t.upload(List.of(new FileCopy(local, "sub dir/up.txt", Files.size(local))), List.of("empty"),
                t.home() + "/target", false, bytes::addAndGet);
        assertThat(bytes.get()).isEqualTo(Files.size(local));
        assertThat(exec(t, "cat \"target/sub dir/up.txt\"; test -d target/empty && echo dir"))
                .isEqualTo("0:uploaded\ndir\n");

        t.download(t.home() + "/target", scratch.resolve("back"));
        assertThat(Files.readString(scratch.resolve("back/sub dir/up.txt"))).isEqualTo("uploaded\n");
    }

    @Test
    void theTransportPassesStandardInputAndWaitsForNoInputTheCommandDoesNotRead() throws Exception {
        Transport t = provider.transport(create("task0.conformance"));
        byte[] data = new byte[3 << 20]; // larger than a channel's window and a pipe's buffer
        new java.util.Random(7).nextBytes(data);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        assertThat(exec(t, "sha256sum | cut -c1-64", new java.io.ByteArrayInputStream(data))).isEqualTo("0:" + sha + "\n");
        // Without input the command reads its end at once.
        assertThat(exec(t, "cat; echo end")).isEqualTo("0:end\n");
        // An input that never ends holds up neither a command that does not read it nor one that stops reading.
        try (java.io.PipedOutputStream writer = new java.io.PipedOutputStream();
             java.io.PipedInputStream never = new java.io.PipedInputStream(writer)) {
            assertThat(exec(t, "echo done", never)).isEqualTo("0:done\n");
        }
        try (java.io.PipedOutputStream writer = new java.io.PipedOutputStream();
             java.io.PipedInputStream never = new java.io.PipedInputStream(writer)) {
            writer.write("first line\n".getBytes(StandardCharsets.UTF_8));
            writer.flush();
            assertThat(exec(t, "head -n 1", never)).isEqualTo("0:first line\n");
        }
    }

    @Test
    void stopKeepsFilesAndRefusesCommandsUntilStarted() {
        Instance i = create("task0.conformance");
        Transport t = provider.transport(i);
        t.write(t.home() + "/kept.txt", "kept".getBytes(StandardCharsets.UTF_8));
        provider.stop(i.id());
        assertThat(findByName("task0.conformance").orElseThrow().state()).isEqualTo(InstanceState.STOPPED);
        assertThatThrownBy(() -> exec(provider.transport(i), "true")).isInstanceOf(FastGpuException.class)
                .hasMessageContaining("stopped");
        provider.start(i.id());
        Instance again = provider.awaitReady(List.of(i.id()), Duration.ofMinutes(5)).get(0);
        assertThat(again.state()).isEqualTo(InstanceState.RUNNING);
        Transport t2 = provider.transport(again);
        assertThat(new String(t2.read(t2.home() + "/kept.txt"), StandardCharsets.UTF_8)).isEqualTo("kept");
    }

    @Test
    void renameAndDestroy() {
        Instance i = create("task0.conformance");
        provider.rename(i.id(), "task9.conformance");
        assertThat(findByName("task9.conformance")).isPresent();
        assertThat(findByName("task0.conformance")).isEmpty();
        provider.destroy(i.id());
        assertThat(provider.list()).extracting(Instance::id).doesNotContain(i.id());
    }

    @Test
    void aPlanIsMadeInItsOrder() {
        List<String> names = List.of("task0.conformance", "task1.conformance", "task2.conformance");
        CreateOutcome out = provider.create(provider.validate(names.stream().map(this::request).toList()));
        assertThat(out.orThrow()).extracting(Instance::name).containsExactlyElementsOf(names);
        List<Instance> ready = provider.awaitReady(out.made().stream().map(Instance::id).toList(), Duration.ofMinutes(5));
        assertThat(ready).extracting(Instance::name).containsExactlyElementsOf(names);
        assertThat(ready).extracting(Instance::privateIp).doesNotHaveDuplicates();
        if (addressesInOrder()) {
            assertThat(ready).extracting(Instance::privateIp)
                    .isSortedAccordingTo(Comparator.comparing(ProviderConformanceSuite::addressKey));
        }
    }

    @Test
    void aCreateThatFailsPartlyRemovesWhatItMadeAndNamesTheFailure() {
        Failing failing = failingRequest("task1.conformance");
        CreatePlan plan = provider.validate(List.of(request("task0.conformance"), failing.request()));
        failing.afterValidate().run();
        List<String> before = ids(provider.list());

        CreateOutcome out = provider.create(plan);

        assertThat(out.ok()).isFalse();
        assertThat(out.failed()).extracting(CreateOutcome.Failure::name).containsExactly("task1.conformance");
        assertThat(out.failed().get(0).cause()).isNotNull();
        assertThat(out.made()).isEmpty();
        assertThat(out.releasedAgain()).containsExactly("task0.conformance");
        assertThatThrownBy(out::orThrow).isInstanceOf(FastGpuException.class).hasMessageContaining("task1.conformance");
        assertThat(ids(provider.list())).containsExactlyInAnyOrderElementsOf(before);
        assertThat(findByName("task0.conformance")).isEmpty();
    }

    @Test
    void releasedMachinesAreNotListedAndOnesGoneOutsideAreNeverListedRunning() {
        Instance released = create("task0.conformance");
        Instance gone = create("task1.conformance");
        provider.destroy(released.id());
        destroyOutside(gone);

        List<Instance> listed = provider.list();
        assertThat(listed).extracting(Instance::id).doesNotContain(released.id());
        assertThat(listed).filteredOn(i -> i.id().equals(gone.id()))
                .allSatisfy(i -> assertThat(i.state()).isEqualTo(InstanceState.TERMINATED));
        assertThat(listed).allSatisfy(i -> assertThat(i.state()).isNotNull());
    }

    @Test
    void validateChangesNothing() {
        List<Instance> before = provider.list();
        Object traces = traces();
        List<CreateRequest> requests = List.of(request("task0.conformance"), request("task1.conformance"));

        CreatePlan first = provider.validate(requests);
        CreatePlan second = provider.validate(requests);

        assertThat(first.requests()).isEqualTo(requests);
        assertThat(second.requests()).isEqualTo(requests);
        assertThat(provider.list()).usingRecursiveFieldByFieldElementComparator().containsExactlyInAnyOrderElementsOf(before);
        assertThat(traces()).isEqualTo(traces);
    }

    @Test
    void capabilitiesAreHonoured() {
        Capabilities c = provider.capabilities();
        assertThat(c.facet(Pricing.class).isPresent()).as("costsMoney if and only if it has a Pricing facet")
                .isEqualTo(c.costsMoney());
        for (Class<?> type : FACETS) {
            c.facet(type).ifPresent(f -> assertThat(f).isInstanceOf(type));
        }
        c.facets().forEach((type, f) -> assertThat(c.facet(type)).get().isInstanceOf(type));
        c.facet(HostKeyStore.class).ifPresent(keys -> {
            boolean existed = Files.exists(Path.of(keys.location()));
            assertThat(keys.forgetHost("never-seen.conformance.invalid")).isFalse();
            assertThat(Files.exists(Path.of(keys.location()))).isEqualTo(existed);
        });
    }

    @Test
    void destroyKeepsTheMachineWhereTheProviderDoesNotOwnIt() {
        Instance i = create("task0.conformance");
        provider.destroy(i.id());
        List<Instance> listed = provider.list();
        assertThat(listed).extracting(Instance::id).doesNotContain(i.id());
        if (provider.capabilities().ownsMachines()) {
            assertThat(listed).extracting(Instance::name).doesNotContain("task0.conformance");
        } else {
            assertThat(listed).as("the machine is still there, held by no job")
                    .anySatisfy(m -> {
                        assertThat(m.privateIp()).isEqualTo(i.privateIp());
                        assertThat(m.tags()).doesNotContainKey(Tags.JOB);
                    });
        }
    }

    private static final List<Class<?>> FACETS = List.of(Firewall.class, HostKeyStore.class, MachineCatalog.class,
            NetworkStorage.class, Pricing.class, Probing.class, RendezvousPorts.class, SharedAccount.class);

    private static List<String> ids(List<Instance> instances) { return instances.stream().map(Instance::id).toList(); }

    /** An IPv4 address as a number, so that 10.0.0.9 comes before 10.0.0.10; other addresses as they are. */
    private static String addressKey(String address) {
        if (!address.matches("\\d+(\\.\\d+){3}")) return address;
        return Arrays.stream(address.split("\\.")).map(p -> String.format("%03d", Integer.parseInt(p)))
                .reduce((a, b) -> a + "." + b).orElse(address);
    }
}
