package io.fastgpu.provider.local;

import io.fastgpu.core.runtime.Processes;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.Instance;
import io.fastgpu.api.InstanceState;
import io.fastgpu.api.Job;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.RunHandle;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** stop ends every process and keeps files; start brings the machine back; kill removes it; reuse by name. */
class LifecycleTest {
    @TempDir Path home;
    FastGpu fg;

    @BeforeEach
    void setUp() { fg = FastGpu.builder().home(home).build(); }

    @AfterEach
    void tearDown() {
        for (Instance i : fg.provider("local").list()) fg.provider("local").destroy(i.id());
        fg.close();
    }

    @Test
    void stopEndsEveryProcessEvenDetachedOnesAndKeepsFiles() {
        Job job = fg.makeJob(JobOptions.builder("life").numTasks(2).build());
        job.run("echo kept > file.txt");
        job.runNonBlocking("sleep 311");
        job.task(0).run("setsid sleep 312 > /dev/null 2>&1 < /dev/null &");
        job.task(1).run("nohup bash -c 'sleep 314' > /dev/null 2>&1 &");
        await().atMost(Duration.ofSeconds(10)).until(() -> Processes.withCommandLine("sleep 311").size() == 2);
        assertThat(Processes.withCommandLine("sleep 312")).hasSize(1);

        job.stop();

        assertThat(Processes.withCommandLine("sleep 311")).isEmpty();
        assertThat(Processes.withCommandLine("sleep 312")).isEmpty();
        assertThat(Processes.withCommandLine("sleep 314")).isEmpty();
        assertThat(fg.provider("local").list()).allSatisfy(i -> assertThat(i.state()).isEqualTo(InstanceState.STOPPED));
        assertThatThrownBy(() -> job.task(0).run("true")).isInstanceOf(FastGpuException.class)
                .hasMessageContaining("stopped").hasMessageContaining("fastgpu start task0.life");

        Job again = fg.makeJob(JobOptions.builder("life").numTasks(2).build());
        assertThat(((JobRuntime) again).newlyCreated()).isEmpty();
        assertThat(again.task(1).read("file.txt")).isEqualTo("kept\n");
        assertThat(fg.provider("local").list()).hasSize(2)
                .allSatisfy(i -> assertThat(i.state()).isEqualTo(InstanceState.RUNNING));
    }

    @Test
    void killRemovesTheMachineAndItsProcesses() {
        Job job = fg.makeJob(JobOptions.builder("gone").build());
        RunHandle h = job.task(0).runNonBlocking("sleep 315");
        await().atMost(Duration.ofSeconds(10)).until(h::isRunning);
        Instance inst = ((LocalProvider) fg.provider("local")).findByName("task0.gone").orElseThrow();
        Path sandbox = ((LocalProvider) fg.provider("local")).homeOf(inst.id());
        assertThat(sandbox).isDirectory();

        job.kill();

        assertThat(Processes.withCommandLine("sleep 315")).isEmpty();
        assertThat(fg.provider("local").list()).isEmpty();
        assertThat(Files.exists(sandbox)).isFalse();
    }

    @Test
    void tasksHaveDistinctLoopbackAddressesAndClusterEnvironment() {
        Job job = fg.makeJob(JobOptions.builder("cluster").numTasks(3).build());
        assertThat(job.tasks()).extracting(t -> t.ip()).doesNotHaveDuplicates().allMatch(ip -> ip.startsWith("127."));
        String env = job.task(2).runWithOutput("echo $FASTGPU_NODE_RANK/$FASTGPU_NUM_NODES/$FASTGPU_MASTER_ADDR; echo \"$FASTGPU_NODE_IPS\" | wc -l").stdout();
        assertThat(env).isEqualTo("2/3/" + job.task(0).ip() + "\n3\n");
        // A server bound to one task's address is reachable there, as on a real cluster.
        assertThat(job.task(1).runWithOutput("python3 -c \"import socket; s=socket.socket(); s.bind(('" + job.task(1).ip()
                + "', 0)); print('bound')\"").stdout()).isEqualTo("bound\n");
    }

    @Test
    void logdirIsNumberedWhenTheRunNameWasUsedBefore() {
        Job first = fg.makeJob(JobOptions.builder("logs").runName("exp").build());
        Job second = fg.makeJob(JobOptions.builder("logs").runName("exp").build());
        Job third = fg.makeJob(JobOptions.builder("logs").runName("exp").build());
        assertThat(first.logdir()).endsWith("/runs/exp");
        assertThat(second.logdir()).endsWith("/runs/exp.01");
        assertThat(third.logdir()).endsWith("/runs/exp.02");
        assertThat(Path.of(third.logdir())).isDirectory();
    }

    @Test
    void installScriptRunsOncePerMachine() {
        JobOptions opts = JobOptions.builder("setup").numTasks(2).installScript("echo x >> installed.txt").build();
        fg.makeJob(opts);
        Job again = fg.makeJob(opts);
        assertThat(again.task(0).read("installed.txt")).isEqualTo("x\n");
        assertThat(again.task(1).read("installed.txt")).isEqualTo("x\n");
    }
}
