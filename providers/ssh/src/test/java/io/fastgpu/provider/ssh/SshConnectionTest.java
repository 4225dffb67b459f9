package io.fastgpu.provider.ssh;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.RunHandle;
import io.fastgpu.api.Task;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.Processes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Connections drop and clients go away; commands on the hosts behave as they should. */
class SshConnectionTest {
    @TempDir Path home;

    @Test
    void aDroppedConnectionFailsTheCommandClearlyAndTheNextOneReconnects() {
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            Task t = fg.makeJob(NamespaceHosts.require(1).oneHostJob("drop", home)).task(0);
            try {
                long t0 = System.nanoTime();
                // The command's parent is the sshd process serving this connection: killing it drops the connection.
                assertThatThrownBy(() -> t.run("kill -9 $PPID; sleep 20")).isInstanceOf(FastGpuException.class)
                        .hasMessageContaining("connection to").hasMessageContaining("was lost while a command ran");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
                assertThat(t.runWithOutput("echo again").stdout()).isEqualTo("again\n");
            } finally {
                t.kill();
            }
        }
    }

    @Test
    void aNonBlockingCommandOutlivesTheClientAndIsFoundAgain() {
        String id;
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            Task t = fg.makeJob(NamespaceHosts.require(1).oneHostJob("bg", home)).task(0);
            // It runs until told to end, however long the clients take (a loaded machine may take seconds).
            id = t.runNonBlocking("until [ -e go ]; do sleep 0.1; done; echo finished; exit 5").id();
        } // the client and its connection are gone
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            Task t = fg.makeJob(NamespaceHosts.require(1).oneHostJob("bg", home)).task(0);
            try {
                RunHandle h = t.handle(id);
                assertThat(h.isRunning()).isTrue();
                t.run("touch go");
                assertThat(h.await(Duration.ofSeconds(30))).isEqualTo(5);
                assertThat(h.output()).isEqualTo("finished\n");
            } finally {
                t.kill();
            }
        }
    }

    @Test
    void stopEndsTheJobsProcessesOnTheHostAndLsProbesReachability() throws Exception {
        try (FastGpu fg = FastGpu.builder().home(home).build()) {
            var job = fg.makeJob(NamespaceHosts.require(1).oneHostJob("stopme", home));
            job.task(0).runNonBlocking("sleep 331");
            job.task(0).run("setsid sleep 332 > /dev/null 2>&1 < /dev/null &");
            await().atMost(Duration.ofSeconds(10)).until(() -> Processes.withCommandLine("sleep 332").size() == 1);
            job.stop();
            assertThat(Processes.withCommandLine("sleep 331")).isEmpty();
            assertThat(Processes.withCommandLine("sleep 332")).isEmpty();
            SshProvider p = (SshProvider) fg.provider("ssh");
            assertThat(p.list().stream().filter(i -> i.name().equals("task0.stopme")).findFirst().orElseThrow().state()).isEqualTo(InstanceState.STOPPED);
            var down = new io.fastgpu.api.Instance("x", "down", "ssh", InstanceState.RUNNING, "", "-", "", "10.77.0.11",
                    java.time.Instant.now(), java.util.Map.of());
            assertThat(p.capabilities().facet(io.fastgpu.core.spi.facet.Probing.class).orElseThrow().probe(List.of(down))).extracting(io.fastgpu.api.Instance::state).containsExactly(InstanceState.RUNNING);
            job.kill();
        }
    }
}
