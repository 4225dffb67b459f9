package io.fastgpu.provider.ssh;

import io.fastgpu.api.EventListener;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.Resources;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.spi.CreateRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static io.fastgpu.provider.ssh.FleetHosts.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jobs on a fleet of the emulator's SSH machines: claims, release, and what ls finds out. Runs everywhere, no root. */
class EmulatedFleetTest {
    @TempDir static Path machines;
    static EmulatedHosts hosts;
    @TempDir Path home;

    @BeforeAll
    static void boot() { hosts = EmulatedHosts.start(machines, 2); }

    @AfterAll
    static void halt() { if (hosts != null) hosts.close(); }

    @Test
    void killReleasesTheClaimButNeverTheMachine() {
        hosts.writeFleet(home, "two", 2, false);
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            var job = fg.makeJob(job("mine", "two", 1));
            job.task(0).run("echo x > file");
            job.kill();
            SshProvider p = (SshProvider) fg.provider("ssh");
            assertThat(p.list()).noneMatch(i -> i.name().startsWith("task")).hasSize(2);
            var free = p.list().get(0);
            assertThatThrownBy(() -> p.destroy(free.id())).hasMessageContaining("ssh hosts are not owned by FastGPU")
                    .hasMessageContaining("never powered off or deleted");
            var check = fg.makeJob(job("mine", "two", 1));
            assertThat(check.task(0).exists("file")).isFalse(); // the job's folder went with the claim
            assertThat(check.task(0).runWithOutput("hostname").stdout()).isEqualTo("emu1\n"); // the machine is still there
            check.kill();
        }
    }

    @Test
    void twoJobsNeverShareAHostOfAnUnsharedFleet() {
        hosts.writeFleet(home, "two", 2, false);
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            var a = fg.makeJob(job("a", "two", 1));
            var b = fg.makeJob(job("b", "two", 1));
            try {
                assertThat(a.task(0).ip()).isNotEqualTo(b.task(0).ip());
                assertThatThrownBy(() -> fg.makeJob(job("c", "two", 1))).hasMessageContaining("has 0 free host(s)");
            } finally {
                a.kill();
                b.kill();
            }
        }
    }

    @Test
    void lsProbesEachHostWithTheKeyOfTheFleetThatListsIt() throws Exception {
        // One machine in two fleets: "a-old" still names a key the machine no longer takes, "b-new" the right one.
        Path oldKey = home.resolve("keys/id_old");
        TestKeys.write(oldKey);
        String host = "{host: " + hosts.ips().get(0) + ", port: " + hosts.port() + ", user: root, key: ";
        Files.createDirectories(home.resolve("fleets"));
        Files.writeString(home.resolve("fleets/a-old.yaml"), "hosts:\n  - " + host + oldKey + "}\n");
        Files.writeString(home.resolve("fleets/b-new.yaml"), "hosts:\n  - " + host + hosts.key() + "}\n");
        try (SshProvider p = new SshProvider(home, EventListener.NONE)) {
            createOne(p, new CreateRequest("task0.probe", Resources.DEFAULT, "", Map.of("fastgpu:job", "probe"),
                    Map.of(SshProvider.FLEET, "b-new")));
            Map<String, InstanceState> states = new java.util.TreeMap<>();
            for (Instance i : p.capabilities().facet(io.fastgpu.core.spi.facet.Probing.class).orElseThrow().probe(p.list())) states.put(i.name(), i.state());
            assertThat(states).containsExactly(
                    Map.entry("a-old/" + hosts.ips().get(0) + ":" + hosts.port(), InstanceState.UNREACHABLE),
                    Map.entry("task0.probe", InstanceState.RUNNING));
            p.destroy(named(p, "task0.probe").orElseThrow().id());
        }
    }

    /** Makes one machine through the seam: a plan of one request, carried out. */
    private static Instance createOne(SshProvider p, io.fastgpu.core.spi.CreateRequest r) {
        return p.create(io.fastgpu.core.spi.CreatePlan.of(java.util.List.of(r))).orThrow().get(0);
    }

    private static java.util.Optional<Instance> named(SshProvider p, String name) {
        return p.list().stream().filter(i -> i.name().equals(name)).findFirst();
    }
}
