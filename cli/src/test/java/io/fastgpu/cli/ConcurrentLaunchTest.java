package io.fastgpu.cli;

import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Several {@code fastgpu launch} commands at once, sharing one FastGPU home. */
class ConcurrentLaunchTest {
    private static final int JOBS = 4;

    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    /** job0 .. job3, each a folder with two steps and a download. */
    private List<String> jobs() {
        List<String> jobs = new ArrayList<>();
        for (int i = 0; i < JOBS; i++) {
            jobs.add(cli.job("job" + i, "name: job" + i + "\nsteps:\n"
                    + "  - {name: one, run: 'echo started " + i + " && sleep 0.2'}\n"
                    + "  - {name: two, run: 'echo done " + i + " > out.txt'}\n"
                    + "download: [out.txt]\n"));
        }
        return jobs;
    }

    /** Each job downloaded its own file, its run is recorded as succeeded, and its machine is stopped. */
    private void assertAllFourRanAndWereRecorded() {
        for (int i = 0; i < JOBS; i++) {
            assertThat(cli.workDir().resolve("fastgpu-out/job" + i + "/out.txt")).hasContent("done " + i);
        }
        try (StateStore state = StateStore.open(cli.home())) {
            List<RunRecord> runs = state.runs(10);
            assertThat(runs).extracting(RunRecord::runName).containsExactlyInAnyOrder("job0", "job1", "job2", "job3");
            assertThat(runs).extracting(RunRecord::status).containsOnly(RunRecord.SUCCEEDED);
        }
        assertThat(cli.states()).containsOnlyKeys("task0.job0", "task0.job1", "task0.job2", "task0.job3")
                .allSatisfy((name, state) -> assertThat(state).as(name).isEqualTo("stopped"));
        assertThat(cli.instances()).extracting(i -> i.get("private_ip").asText()).doesNotHaveDuplicates();
    }

    // Bug: LocalProvider.locked guards its lock file with 'synchronized' on the provider plus FileChannel.lock, but
    // each launch has its own FastGpu and so its own LocalProvider; two of them locking the same file in one JVM get
    // an OverlappingFileLockException ("1 task(s) failed to get ready: task0.job1: ...OverlappingFileLockException").
    @Test
    void fourLaunchesInOneJvmAllSucceedAndAreAllRecorded() throws Exception {
        List<String> jobs = jobs();
        CyclicBarrier together = new CyclicBarrier(JOBS);
        ExecutorService pool = Executors.newFixedThreadPool(JOBS);
        List<Future<Cli.Result>> results = new ArrayList<>();
        try {
            for (String job : jobs) {
                results.add(pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return cli.run("launch", job);
                }));
            }
            for (int i = 0; i < JOBS; i++) {
                Cli.Result r = results.get(i).get(60, TimeUnit.SECONDS).expectExit(0);
                assertThat(r.outLines()).contains("task0> started " + i);
            }
        } finally {
            pool.shutdownNow();
        }

        assertAllFourRanAndWereRecorded();
    }

    /** The same as separate {@code fastgpu} processes, the way users run it. */
    @Test
    void fourLaunchesAsSeparateProcessesAllSucceedAndAreAllRecorded() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        List<Path> outputs = new ArrayList<>();
        try {
            for (String job : jobs()) {
                Path output = tmp.resolve(job + ".txt");
                ProcessBuilder pb = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1",
                        "-cp", System.getProperty("java.class.path"), "io.fastgpu.cli.Main", "launch", job)
                        .directory(cli.workDir().toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
                pb.environment().put("FASTGPU_HOME", cli.home().toString());
                pb.environment().put("FASTGPU_AGENT", "off"); // a process of its own: no resident agent left behind
                processes.add(pb.start());
                outputs.add(output);
            }
            for (int i = 0; i < JOBS; i++) {
                Process p = processes.get(i);
                boolean done = p.waitFor(60, TimeUnit.SECONDS);
                String output = Files.readString(outputs.get(i), StandardCharsets.UTF_8);
                assertThat(done).as("launch of job%d ended: %s", i, output).isTrue();
                assertThat(p.exitValue()).as(output).isZero();
                assertThat(output).contains("task0> started " + i);
            }
        } finally {
            processes.forEach(Process::destroyForcibly);
        }

        assertAllFourRanAndWereRecorded();
    }
}
