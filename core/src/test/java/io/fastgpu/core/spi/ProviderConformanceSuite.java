package io.fastgpu.core.spi;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.Resources;
import io.fastgpu.core.files.FileCopy;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every provider must do, whatever it talks to. A provider's test extends this and says how to make
 * the provider; the suite creates machines named {@code task{i}.conformance} and removes them afterwards.
 */
public abstract class ProviderConformanceSuite {
    @TempDir protected Path scratch;
    protected Provider provider;

    /** Makes the provider under test. */
    protected abstract Provider createProvider(Path scratch);

    /** Backend options of the machines the suite creates (e.g. which fleet). */
    protected Map<String, String> options() { return Map.of(); }

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

    private CreateRequest request(String name) {
        return new CreateRequest(name, Resources.DEFAULT, "",
                Map.of(Tags.JOB, "conformance", Tags.TASK, name.substring(4, 5)), options());
    }

    private Instance create(String name) {
        Instance i = provider.create(provider.validate(List.of(request(name)))).orThrow().get(0);
        return provider.awaitReady(List.of(i.id()), Duration.ofMinutes(5)).get(0);
    }

    private java.util.Optional<Instance> findByName(String name) {
        return provider.list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    private static String exec(Transport t, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = t.exec(script, new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { }
        }, Duration.ofSeconds(60));
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
}
