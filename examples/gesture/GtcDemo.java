// The GTC gesture demo written against the FastGPU Java API, as the original fastgpu_script.py was.
// Run it from the repository root with the FastGPU jar on the class path:
//   ./fastgpu --version && java -cp cli/target/fastgpu.jar examples/gesture/GtcDemo.java [--name NAME] [--machines N]
import io.fastgpu.api.Event;
import io.fastgpu.api.Job;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.RunOptions;
import io.fastgpu.core.runtime.FastGpu;

import java.nio.file.Path;
import java.util.Locale;

public class GtcDemo {
    public static void main(String[] args) {
        String name = "gtc-demo-java";
        int machines = 1;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--name" -> name = args[i + 1];
                case "--machines" -> machines = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path demoDir = Path.of("examples/gesture").toAbsolutePath();
        long start = System.nanoTime();
        // Print the tasks' output as it comes, prefixed with the task.
        try (FastGpu fastgpu = FastGpu.builder().localBase(demoDir).confirmer(q -> true)
                .events(e -> { if (e instanceof Event.LogLine l) System.out.println(l.task() + "> " + l.line()); })
                .build()) {
            // 1. create (or reuse) the machines
            Job job = fastgpu.makeJob(JobOptions.builder(name).runName(name + "-" + machines).numTasks(machines)
                    .instanceType("ecs.gn6v-c8g1.2xlarge").spot(true).build());
            long initTime = System.nanoTime();
            System.out.printf(Locale.ROOT, "init fastgpu: %.2fs%n", secs(start, initTime));

            // 2. upload the GTC code and make the data set
            job.upload("GTC");
            job.task(0).run("cd GTC && /usr/bin/python3 make_dataset.py", RunOptions.DEFAULT.streaming());
            long uploadTime = System.nanoTime();
            System.out.printf(Locale.ROOT, "upload_data time: %.2fs%n", secs(initTime, uploadTime));

            // 3. unzip: shell state carries over, so this runs inside GTC
            job.task(0).run("unzip -q -o dataset.zip");
            long unzipTime = System.nanoTime();
            System.out.printf(Locale.ROOT, "unzip data: %.2fs%n", secs(uploadTime, unzipTime));

            // 4. training
            job.task(0).run("./run.sh 2>&1 | tee logs.log", RunOptions.DEFAULT.streaming());
            long trainTime = System.nanoTime();
            System.out.printf(Locale.ROOT, "training time: %.2f%n", secs(unzipTime, trainTime));

            // 5. inference
            job.task(0).run("/usr/bin/python3 inference.py --draw rock 2>&1 | tee logs.inference.log",
                    RunOptions.DEFAULT.streaming());
            long end = System.nanoTime();
            System.out.printf(Locale.ROOT, "inference time: %.2fs%n", secs(trainTime, end));
            System.out.printf(Locale.ROOT, "training and inference deploy time is: %.2fs.%n", secs(start, end));

            // 6. stop the machines so they cost nothing; 7. job.kill() would release them
            job.stop();
            String t0 = job.task(0).name();
            System.out.println("Hints: after stopping the instances, you can use the command line:");
            System.out.println("  1. './fastgpu ls --stop' to list all instances, stopped ones included");
            System.out.println("  2. './fastgpu start " + t0 + "' to start the stopped instance");
            System.out.println("  3. './fastgpu kill " + t0 + "' to release the instance");
        }
    }

    private static double secs(long from, long to) { return (to - from) / 1e9; }
}
