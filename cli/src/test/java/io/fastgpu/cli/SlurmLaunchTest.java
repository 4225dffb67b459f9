package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fastgpu launch} with {@code backend: slurm} on the real three-node test cluster: a job is one allocation,
 * its tasks the allocation's nodes; a queued allocation is shown with Slurm's reason; a launch killed while its
 * allocation waits or runs leaves it for the relaunch to find; and nothing stays in Slurm's queue afterwards.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SlurmLaunchTest {
    @TempDir Path root;
    Cli cli;

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(root);
        SlurmCluster.writeCluster(cli.home(), "lab", "");
    }

    @AfterEach
    void nothingIsLeftInTheQueue() {
        if (cli != null) cli.killAll();
        try {
            assertThat(SlurmCluster.queue()).as("squeue after the test").isEmpty();
        } finally {
            SlurmCluster.cancelAll();
        }
    }

    @Test
    void aThreeTaskJobIsOneAllocationWithTheDistributedVariablesOfItsNodes() {
        cli.job("dist", """
                name: dist
                machines: 3
                backend: slurm
                cluster: lab
                steps:
                  - name: where
                    on: all
                    run: echo "task=$INDEX/$NODE_NUM chief=$CHIEF_IP rank=$FASTGPU_NODE_RANK ips=$(echo $FASTGPU_NODE_IPS) node=$SLURMD_NODENAME job=$SLURM_JOB_ID"
                after: kill
                """);
        var r = cli.run("launch", "dist", "--keep").expectExit(0);
        assertThat(r.out()).contains("task=0/3 chief=127.0.1.1 rank=0 ips=127.0.1.1 127.0.1.2 127.0.1.3 node=n1")
                .contains("task=1/3 chief=127.0.1.1 rank=1").contains("node=n2").contains("task=2/3").contains("node=n3");
        assertThat(SlurmCluster.queue()).as("one allocation holds the three tasks").hasSize(1)
                .allSatisfy(l -> assertThat(l).contains("fastgpu.dist RUNNING"));
        String ls = cli.run("ls").expectExit(0).out();
        assertThat(ls).contains("task0.dist").contains("on n1 (debug,").contains("left)").contains("running");
        assertThat(cli.run("slurm", "info", "lab").expectExit(0).out()).contains("debug*").contains("0/3");

        cli.run("kill", "{dist}", "--yes").expectExit(0);
        assertThat(SlurmCluster.queue()).as("kill cancels the allocation").isEmpty();
    }

    @Test
    void aQueuedAllocationSaysWhyAndAKilledLaunchLeavesItForTheRelaunch() throws Exception {
        // Another user's job holds every node: ours must wait.
        String blocker = SlurmCluster.sh("sbatch --parsable -N3 --exclusive -o /dev/null --wrap 'exec sleep 300'").strip();
        assertThat(blocker).matches("\\d+");
        cli.job("queued", """
                name: queued
                machines: 1
                backend: slurm
                cluster: lab
                steps:
                  - name: hello
                    run: echo hello from $SLURMD_NODENAME
                after: kill
                """);
        try (ForkedCli launch = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", "queued", "--yes")) {
            assertThat(launch.awaitLine("pending (Resources)", Duration.ofSeconds(90))).as("the launch says why it waits").isTrue();
            assertThat(cli.run("ls").expectExit(0).out()).contains("task0.queued").contains("pending (Resources)")
                    .contains("#1 in the queue");
            launch.kill();
        }
        assertThat(SlurmCluster.queue()).as("the killed launch's allocation still waits").anyMatch(l -> l.contains("fastgpu.queued PENDING"));

        SlurmCluster.cancel(blocker);
        var again = cli.run("launch", "queued", "--yes").expectExit(0);
        assertThat(again.out() + again.err()).contains("Reusing task0.queued").contains("hello from n1");
        assertThat(SlurmCluster.queue()).as("after: kill cancelled it").isEmpty();
    }

    @Test
    void ctrlCWhilePendingCancelsTheAllocation() throws Exception {
        String blocker = SlurmCluster.sh("sbatch --parsable -N3 --exclusive -o /dev/null --wrap 'exec sleep 300'").strip();
        cli.job("impatient", """
                name: impatient
                machines: 2
                backend: slurm
                cluster: lab
                steps:
                  - name: hello
                    run: echo hello
                after: stop
                """);
        try (ForkedCli launch = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", "impatient", "--yes")) {
            assertThat(launch.awaitLine("pending (Resources)", Duration.ofSeconds(90))).isTrue();
            launch.signal("INT");
            assertThat(launch.awaitExit(60_000)).isTrue();
            assertThat(launch.exitCode()).isEqualTo(130);
        }
        assertThat(SlurmCluster.queue()).as("only the other job is left").hasSize(1).allMatch(l -> l.startsWith(blocker + " "));
        SlurmCluster.cancel(blocker);
    }

    @Test
    void aLaunchKilledWhileItsStepRunsIsRelaunchedOnTheSameAllocation() throws Exception {
        cli.job("longrun", """
                name: longrun
                machines: 1
                backend: slurm
                cluster: lab
                steps:
                  - name: work
                    run: if [ -f first-done ]; then echo second run; else touch first-done; echo first run; sleep 600; fi
                after: stop
                """);
        try (ForkedCli launch = ForkedCli.start(cli.workDir(), cli.childEnvironment(), "launch", "longrun", "--yes")) {
            assertThat(launch.awaitLine("first run", Duration.ofSeconds(120))).isTrue();
            launch.kill();
        }
        var before = SlurmCluster.queue();
        assertThat(before).hasSize(1).allMatch(l -> l.contains("fastgpu.longrun RUNNING"));
        var again = cli.run("launch", "longrun", "--yes").expectExit(0);
        assertThat(again.out() + again.err()).contains("Reusing task0.longrun").contains("second run");
        assertThat(SlurmCluster.queue()).as("the same allocation, never a second one").isEqualTo(before);
    }

    @Test
    void badInputIsOneLineAndAllocatesNothing() throws Exception {
        cli.job("bad", """
                name: bad
                machines: 1
                backend: slurm
                cluster: labb
                steps:
                  - name: hello
                    run: echo hello
                """);
        assertThat(cli.run("launch", "bad", "--yes").expectExit(2).err()).contains("no Slurm cluster 'labb' (did you mean 'lab'?)");
        assertThat(cli.run("launch", "bad", "--yes", "--cluster", "lab", "--machines", "5").expectExit(2).err())
                .contains("partition 'debug' of Slurm cluster 'lab' has 3 node(s) but the job asks for 5");
        SlurmCluster.writeCluster(cli.home(), "wrongpart", "partition: gpus\n");
        assertThat(cli.run("launch", "bad", "--yes", "--cluster", "wrongpart").expectExit(2).err())
                .contains("no partition 'gpus' on Slurm cluster 'wrongpart'").contains("partitions: debug");
        SlurmCluster.writeCluster(cli.home(), "long", "time: '2:00:00'\n");
        assertThat(cli.run("launch", "bad", "--yes", "--cluster", "long").expectExit(2).err())
                .contains("time 2:00:00 is above the limit of partition 'debug'");
        SlurmCluster.writeCluster(cli.home(), "greedy", "gres: gpu:8\n");
        assertThat(cli.run("launch", "bad", "--yes", "--cluster", "greedy").expectExit(2).err())
                .contains("cannot run the job's allocation").contains("gres gpu:8").contains("Requested node configuration is not available");
        // A login host that does not answer (nothing listens on port 1), with a key that would do.
        Path key = root.resolve("id_ed25519");
        assertThat(new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()).start().waitFor()).isZero();
        java.nio.file.Files.writeString(cli.home().resolve("clusters/away.yaml"), "login: {host: 127.0.0.1, port: 1, user: root, key: "
                + key + "}\n");
        var away = cli.run("launch", "bad", "--yes", "--cluster", "away");
        assertThat(away.exitCode()).isEqualTo(1);
        assertThat(away.err().strip().lines()).hasSize(1);
        assertThat(away.err()).contains("127.0.0.1");
        assertThat(SlurmCluster.queue()).isEmpty();
    }
}
