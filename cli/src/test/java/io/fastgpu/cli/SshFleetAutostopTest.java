package io.fastgpu.cli;

import io.fastgpu.emulator.machine.EmulatedMachines;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idle autostop on an ssh fleet (the emulator's SSH machines on loopback): the host is never powered off; its
 * watchdog ends the task's processes, and the claim is released, so that another job can take the host, while the
 * task's folder stays.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SshFleetAutostopTest {
    @TempDir Path tmp;
    private EmulatedFleet fleet;
    private EmulatedMachines machines;
    private Cli cli;

    @BeforeAll
    static void shortLimits() { System.setProperty("fastgpu.test.shortLimits", "true"); }

    @AfterAll
    static void noShortLimits() { System.clearProperty("fastgpu.test.shortLimits"); }

    @AfterEach
    void tearDown() {
        try {
            // the fleet's free hosts are listed too, and are not FastGPU's to kill
            if (cli != null) cli.states().keySet().stream().filter(n -> n.startsWith("task")).forEach(n -> cli.run("kill", "--yes", n));
        } finally {
            if (fleet != null) fleet.close();
        }
    }

    @Test
    void anIdleTaskIsEndedByItsWatchdogAndItsHostIsFreeForTheNextJob() throws Exception {
        cli = new Cli(tmp.resolve("client"));
        fleet = EmulatedFleet.start(tmp, 1, cli.home(), "lab", "");
        machines = fleet.machines();
        String ip = fleet.ips().get(0);
        cli.run("launch", cli.job("nap", "name: nap\nbackend: ssh\nfleet: lab\nafter: keep\nautostop: 2s\n"
                + "steps: [{name: a, run: 'sleep 3'}]\n")).expectExit(0);
        awaitFired(machines.home("host1").resolve("fastgpu/task0.nap/.fastgpu/watchdog/status"));

        // The next job that needs the fleet's one host finds it free again; the ended task's claim goes.
        Cli.Result next = cli.run("launch", cli.job("next", "name: next\nbackend: ssh\nfleet: lab\nafter: keep\n"
                + "steps: [{name: a, run: 'echo on the same host'}]\n"));
        next.expectExit(0);
        assertThat(next.err() + next.out()).containsPattern("task0\\.nap released " + ip.replace(".", "\\.")
                        + ": its watchdog ended the task \\(idle for \\d+s\\)")
                .contains("task0.next claims " + ip).contains("on the same host");
        assertThat(cli.states()).doesNotContainKey("task0.nap").containsEntry("task0.next", "running");
        assertThat(machines.home("host1").resolve("fastgpu/task0.nap")).as("the ended task's folder is kept").isDirectory();

        // 'ls' asks the hosts: a task its watchdog ended is shown released, and its claim goes.
        cli.run("autostop", "task0.next", "2s").expectExit(0);
        awaitFired(machines.home("host1").resolve("fastgpu/task0.next/.fastgpu/watchdog/status"));
        Cli.Result ls = cli.run("ls");
        ls.expectExit(0);
        assertThat(ls.err() + ls.out()).containsPattern("task0\\.next released " + ip.replace(".", "\\.")
                + ": its watchdog ended the task \\(idle for \\d+s\\)");
        assertThat(cli.states()).doesNotContainKey("task0.next");
    }

    private static void awaitFired(Path status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
        while (!(Files.exists(status) && Files.readString(status).contains("fired=idle")) && System.nanoTime() < deadline) {
            Thread.sleep(300);
        }
        assertThat(Files.exists(status) ? Files.readString(status) : "no status").contains("fired=idle");
    }
}
