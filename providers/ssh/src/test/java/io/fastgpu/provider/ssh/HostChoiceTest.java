package io.fastgpu.provider.ssh;

import io.fastgpu.api.Event;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.api.Resources;
import io.fastgpu.core.spi.CreateRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which host a task gets, and what the provider says about fleets and claims, without any host: claiming
 * reads and writes files only. The addresses are from TEST-NET-1 (192.0.2.0/24) and are never contacted.
 */
class HostChoiceTest {
    @TempDir Path home;
    final List<Event> events = Collections.synchronizedList(new ArrayList<>());
    final List<SshProvider> providers = new ArrayList<>();

    @AfterEach
    void close() { providers.forEach(SshProvider::close); }

    private SshProvider provider() {
        SshProvider p = new SshProvider(home, events::add);
        providers.add(p);
        return p;
    }

    private void fleet(String name, boolean shared, int hosts) throws IOException {
        StringBuilder sb = new StringBuilder("shared: " + shared + "\ndefaults: {user: root}\nhosts:\n");
        for (int i = 1; i <= hosts; i++) sb.append("  - {host: 192.0.2.").append(i).append("}\n");
        Files.createDirectories(home.resolve("fleets"));
        Files.writeString(home.resolve("fleets/" + name + ".yaml"), sb.toString());
    }

    private static CreateRequest request(String task, String fleet) {
        String job = task.substring(task.indexOf('.') + 1);
        return new CreateRequest(task, Resources.DEFAULT, "", Map.of("fastgpu:job", job), Map.of(SshProvider.FLEET, fleet));
    }

    private static String host(Instance i) { return i.privateIp(); }

    @Test
    void anUnsharedFleetGivesEachTaskAHostOfItsOwnInFleetOrder() throws Exception {
        fleet("lab", false, 3);
        SshProvider p = provider();
        assertThat(host(createOne(p, request("task0.a", "lab")))).isEqualTo("192.0.2.1");
        assertThat(host(createOne(p, request("task1.a", "lab")))).isEqualTo("192.0.2.2");
        // Another provider on the same home (another fastgpu process) sees those claims.
        SshProvider other = provider();
        assertThat(host(createOne(other, request("task0.b", "lab")))).isEqualTo("192.0.2.3");
        assertThatThrownBy(() -> createOne(other, request("task1.b", "lab"))).isInstanceOf(FastGpuException.class)
                .hasMessage("fleet 'lab' has no free host for task1.b");
        assertThatThrownBy(() -> p.validate(List.of(request("task0.c", "lab")))).isInstanceOf(InvalidSpecException.class)
                .hasMessage("fleet 'lab' has 0 free host(s) of 3 but the job needs 1 more; free some ('fastgpu ls') or add hosts to the fleet");
        assertThat(events).filteredOn(e -> e instanceof Event.Notice)
                .extracting(e -> ((Event.Notice) e).message()).contains("task0.a claims 192.0.2.1 of fleet lab");
    }

    @Test
    void aSharedFleetSpreadsAJobOverDistinctHostsLeastUsedFirst() throws Exception {
        fleet("pool", true, 3);
        SshProvider p = provider();
        assertThat(host(createOne(p, request("task0.a", "pool")))).isEqualTo("192.0.2.1");
        assertThat(host(createOne(p, request("task1.a", "pool")))).isEqualTo("192.0.2.2");
        assertThat(host(createOne(p, request("task0.b", "pool")))).isEqualTo("192.0.2.3"); // the one nobody uses
        assertThat(host(createOne(p, request("task0.c", "pool")))).isEqualTo("192.0.2.1");
        assertThat(host(createOne(p, request("task1.c", "pool")))).isEqualTo("192.0.2.2"); // not 192.0.2.1 again: same job
        assertThat(host(createOne(p, request("task2.c", "pool")))).isEqualTo("192.0.2.3");
        assertThatThrownBy(() -> createOne(p, request("task3.c", "pool"))).hasMessage("fleet 'pool' has no free host for task3.c");
        // A shared host is listed as free as well as under each task that holds it.
        assertThat(p.list()).extracting(Instance::name).containsExactlyInAnyOrder("task0.a", "task0.c", "pool/192.0.2.1",
                "task1.a", "task1.c", "pool/192.0.2.2", "task0.b", "task2.c", "pool/192.0.2.3");
    }

    @Test
    void listShowsEachClaimOnceAndTheFreeHostsOfEveryFleet() throws Exception {
        fleet("lab", false, 2);
        fleet("other", false, 1);
        SshProvider p = provider();
        Instance t = createOne(p, request("task0.a", "lab"));
        assertThat(t.state()).isEqualTo(InstanceState.RUNNING);
        assertThat(t.tags()).containsEntry("fastgpu:job", "a").containsEntry("fastgpu:fleet", "lab");
        assertThat(p.list()).extracting(Instance::name, Instance::id).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("task0.a", "ssh-192.0.2.1_22--task0.a"),
                org.assertj.core.groups.Tuple.tuple("lab/192.0.2.2", "ssh-192.0.2.2_22"),
                org.assertj.core.groups.Tuple.tuple("other/192.0.2.1", "ssh-192.0.2.1_22"));
    }

    @Test
    void namesAreUniqueAndARenameKeepsTheHostAndFolder() throws Exception {
        fleet("lab", false, 2);
        SshProvider p = provider();
        Instance a = createOne(p, request("task0.a", "lab"));
        createOne(p, request("task0.b", "lab"));
        assertThatThrownBy(() -> createOne(p, request("task0.a", "lab"))).hasMessage("an instance named task0.a already exists");
        assertThatThrownBy(() -> p.rename(a.id(), "task0.b")).hasMessage("an instance named task0.b already exists");
        p.rename(a.id(), "task0.z");
        Instance z = named(p, "task0.z").orElseThrow();
        assertThat(z.id()).isEqualTo(a.id());
        assertThat(host(z)).isEqualTo(host(a));
        assertThat(named(p, "task0.a")).isEmpty();
    }

    @Test
    void aFreeHostIsNotOwnedSoThereIsNothingToStopOrDestroy() throws Exception {
        fleet("lab", false, 1);
        SshProvider p = provider();
        assertThatThrownBy(() -> p.destroy("ssh-192.0.2.1_22")).isInstanceOf(FastGpuException.class)
                .hasMessage("ssh hosts are not owned by FastGPU: 192.0.2.1_22 is not held by any job, so there is nothing"
                        + " to stop or release; it is never powered off or deleted");
        assertThatThrownBy(() -> p.stop("ssh-192.0.2.1_22")).hasMessageContaining("ssh hosts are not owned by FastGPU");
        assertThatThrownBy(() -> p.start("ssh-nothing--task0.x")).isInstanceOf(io.fastgpu.api.NotFoundException.class)
                .hasMessage("no ssh task with id ssh-nothing--task0.x");
    }

    @Test
    void aClaimOnAHostThatLeftTheFleetSaysHowToReleaseIt() throws Exception {
        fleet("lab", false, 2);
        SshProvider p = provider();
        createOne(p, request("task0.a", "lab"));
        Instance b = createOne(p, request("task1.a", "lab"));
        fleet("lab", false, 1);
        assertThatThrownBy(() -> p.start(b.id())).isInstanceOf(FastGpuException.class)
                .hasMessage("task1.a holds a host that is no longer in fleet lab; release it with 'fastgpu kill task1.a'");
    }

    @Test
    void fleetMistakesAreFoundBeforeAnythingIsClaimed() throws Exception {
        fleet("two", false, 2);
        Files.writeString(home.resolve("fleets/dup.yaml"), "hosts:\n  - {host: 192.0.2.1}\n  - {host: 192.0.2.1, port: 22}\n");
        Files.writeString(home.resolve("fleets/broken.yaml"), "hosts: [\n");
        SshProvider p = provider();
        assertThatThrownBy(() -> p.validate(List.of(request("task0.big", "two"), request("task1.big", "two"),
                request("task2.big", "two")))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("fleet 'two' has 2 free host(s) of 2 but the job needs 3");
        assertThatThrownBy(() -> p.validate(List.of(request("task0.d", "dup")))).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("is listed twice in fleet 'dup'");
        assertThatThrownBy(() -> p.validate(List.of(request("task0.x", "tow")))).isInstanceOf(InvalidSpecException.class)
                .hasMessage("no fleet 'tow' (did you mean 'two'?): create " + home.resolve("fleets/tow.yaml")
                        + "; fleets: broken, dup, two");
        assertThatThrownBy(() -> p.validate(List.of(new CreateRequest("task0.y", null, "", Map.of(), Map.of()))))
                .isInstanceOf(InvalidSpecException.class).hasMessageStartingWith("backend 'ssh' needs a fleet: add 'fleet: NAME'");
        // A broken fleet file costs only the jobs that use it, and is reported once.
        assertThat(p.list()).extracting(Instance::name).containsExactlyInAnyOrder("two/192.0.2.1", "two/192.0.2.2");
        p.list();
        assertThat(events).filteredOn(e -> e instanceof Event.Notice n && n.message().startsWith("fleet 'broken' skipped: "))
                .hasSize(1);
        assertThat(p.list()).noneMatch(i -> i.name().startsWith("task"));
    }

    @Test
    void hostsThatDoNotAnswerOrCannotBeLoggedIntoFailTheCheckAndNothingIsClaimed() throws Exception {
        Path key = home.resolve("keys/id_ed25519");
        TestKeys.write(key);
        Path openKey = home.resolve("keys/id_open");
        TestKeys.write(openKey);
        Files.setPosixFilePermissions(openKey, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        int closed1 = closedPort();
        int closed2 = closedPort();
        Files.createDirectories(home.resolve("fleets"));
        Files.writeString(home.resolve("fleets/down.yaml"), "defaults: {user: root, key: " + key + "}\nhosts:\n"
                + "  - {host: 127.0.0.1, port: " + closed1 + "}\n"
                + "  - {host: 127.0.0.1, port: " + closed2 + ", key: " + openKey + "}\n");
        SshProvider p = provider();
        assertThatThrownBy(() -> p.validate(List.of(request("task0.down", "down"), request("task1.down", "down"))))
                .isInstanceOf(FastGpuException.class)
                .hasMessageStartingWith("fleet 'down' is not ready, nothing was changed: ")
                .hasMessageContaining("127.0.0.1:" + closed1 + ": cannot reach root@127.0.0.1:" + closed1 + ": connection refused")
                .hasMessageContaining("127.0.0.1:" + closed2 + ": SSH key " + openKey + " is open to other users (mode 0644)")
                .hasMessageContaining("fix it with: chmod 600 " + openKey)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        assertThat(p.list()).noneMatch(i -> i.name().startsWith("task"));
    }

    /** A loopback port nothing listens on (it was free a moment ago). */
    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
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
