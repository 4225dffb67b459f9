/*
 * Helper of bench/fanout.py: the "warm" fan-out case, in one JVM. Not meant to be run by hand.
 *
 *   java -cp fastgpu.jar bench/FanoutWarm.java HOME FLEET TASKS ITERS
 *
 * Makes (or reuses) job "bench" with TASKS tasks on the ssh fleet FLEET under the FastGPU home HOME,
 * runs `hostname` on every task 11 times as a warm-up (the first timed), then times ITERS more `job.run("hostname")` calls
 * over the connections already open. ITERS = 0 only makes the job (so `fastgpu exec '{bench}'` finds it).
 * Prints, one per line: "makejob SECONDS", "first SECONDS", "warm SECONDS" (one line per iteration),
 * "check hostnames..." for the last run's distinct hostnames.
 */
import io.fastgpu.api.JobOptions;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

public class FanoutWarm {
    /** Untimed runs after the first: "warm" is a JVM whose JIT has compiled the path, as in a long-lived process. */
    private static final int WARMUP = 10;

    public static void main(String[] a) throws Exception {
        Path home = Path.of(a[0]);
        String fleet = a[1];
        int tasks = Integer.parseInt(a[2]);
        int iters = Integer.parseInt(a[3]);
        try (FastGpu fg = FastGpu.builder().home(home).localBase(home).build()) {
            long t0 = System.nanoTime();
            JobRuntime job = fg.makeJob(JobOptions.builder("bench").numTasks(tasks).backend("ssh")
                    .backendOptions(Map.of("fleet", fleet)).build());
            System.out.printf("makejob %.6f%n", (System.nanoTime() - t0) / 1e9);
            if (iters == 0) return;
            t0 = System.nanoTime();
            job.run("hostname");                        // warm-up: opens nothing new, JIT-compiles the path
            System.out.printf("first %.6f%n", (System.nanoTime() - t0) / 1e9);
            for (int i = 0; i < WARMUP; i++) job.run("hostname");
            for (int i = 0; i < iters; i++) {
                t0 = System.nanoTime();
                job.run("hostname");
                System.out.printf("warm %.6f%n", (System.nanoTime() - t0) / 1e9);
            }
            // Correctness: every task answers with its own host's name.
            TreeSet<String> names = new TreeSet<>();
            for (TaskRuntime t : job.taskRuntimes()) names.add(t.runWithOutput("hostname").stdout().strip());
            System.out.println("check " + String.join(" ", names));
        }
    }
}
