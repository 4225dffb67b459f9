/*
 * Helper of bench/upload.py: FastGPU's side of the upload benchmark, in one JVM. Not meant to be run by hand.
 *
 *   java -cp fastgpu.jar bench/UploadBench.java HOME FLEET TASKS LOCAL_BASE TREE DEST
 *
 * Makes (or reuses) job "upbench" with TASKS tasks on the ssh fleet FLEET, then answers one command per line
 * on standard input, one result line each on standard output (times in seconds, cpu = this JVM's user+sys):
 *   upload     job.upload(TREE, DEST, false) to every task   -> "upload WALL CPU"
 *   clean      rm -rf DEST on every task (not timed)         -> "clean"
 *   profile    where an upload's time goes                  -> "profile select WALL listing WALL files N"
 *              (select: the local walk of TREE, which every task repeats; listing: the remote `find` listing
 *              of DEST/TREE on every task in parallel, as upload sends it, over the open connections)
 *   checksum   sha256 of `find . -type f | sort | sha256sum` in DEST/TREE on task0 -> "checksum HEX"
 *   quit       kill the job (releases the hosts, removes the job's folder) and exit
 * Prints "ready MAKEJOB_WALL CPU" once the job's connections are open.
 */
import io.fastgpu.api.JobOptions;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.runtime.TaskRuntime;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

public class UploadBench {
    static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    static void onAll(JobRuntime job, String cmd) {
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (TaskRuntime t : job.taskRuntimes()) {
            fs.add(CompletableFuture.runAsync(() -> {
                var r = t.runWithOutput(cmd);
                if (r.exitCode() != 0) throw new IllegalStateException(t.name() + ": " + cmd + ": " + r.stderr());
            }));
        }
        fs.forEach(CompletableFuture::join);
    }

    public static void main(String[] a) throws Exception {
        Path home = Path.of(a[0]);
        String fleet = a[1];
        int tasks = Integer.parseInt(a[2]);
        Path localBase = Path.of(a[3]);
        String tree = a[4];
        String dest = a[5];
        String q = "'" + dest + "'";
        try (FastGpu fg = FastGpu.builder().home(home).localBase(localBase).build()) {
            double c0 = cpu();
            long t0 = System.nanoTime();
            JobRuntime job = fg.makeJob(JobOptions.builder("upbench").numTasks(tasks).backend("ssh")
                    .backendOptions(Map.of("fleet", fleet)).build());
            System.out.printf("ready %.6f %.3f%n", (System.nanoTime() - t0) / 1e9, cpu() - c0);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null; ) {
                switch (line.strip()) {
                    case "upload" -> {
                        c0 = cpu();
                        t0 = System.nanoTime();
                        job.upload(tree, dest, false);
                        System.out.printf("upload %.6f %.3f%n", (System.nanoTime() - t0) / 1e9, cpu() - c0);
                    }
                    case "clean" -> {
                        onAll(job, "rm -rf " + q);
                        System.out.println("clean");
                    }
                    case "profile" -> {
                        t0 = System.nanoTime();
                        int n = FileSelection.select(localBase, tree).files().size();
                        double select = (System.nanoTime() - t0) / 1e9;
                        t0 = System.nanoTime();
                        onAll(job, "cd " + q + "/" + tree + " 2>/dev/null && find . -type f -printf '%s %T@ %P\\0' > /dev/null || true");
                        double listing = (System.nanoTime() - t0) / 1e9;
                        t0 = System.nanoTime();
                        onAll(job, "true");
                        double rt = (System.nanoTime() - t0) / 1e9;
                        System.out.printf("profile select %.6f listing %.6f files %d run_true %.6f%n", select, listing, n, rt);
                    }
                    case "checksum" -> {
                        var r = job.taskRuntimes().get(0).runWithOutput("cd " + q + "/" + tree
                                + " && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum");
                        System.out.println("checksum " + r.stdout().strip().split("\\s+")[0]);
                    }
                    case "quit" -> {
                        onAll(job, "rm -rf " + q);
                        job.kill();
                        System.out.println("bye");
                        return;
                    }
                    default -> System.out.println("error unknown command " + line);
                }
                System.out.flush();
            }
        }
    }
}
