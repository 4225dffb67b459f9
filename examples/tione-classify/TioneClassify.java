// The Tikit image-classification tutorial on TI-ONE, written against the FastGPU Java API: upload the data to
// COS, run the 2-node DDP task (logs streamed, acc1/acc5 pushed per epoch), download the model, register it.
// Run it from the repository root with the FastGPU jar on the class path and the tione settings in the
// environment (TENCENTCLOUD_SECRET_ID/KEY, TENCENTCLOUD_REGION, FASTGPU_TIONE_BUCKET; or '. tione.env' from
// 'fastgpu emulator tione'):
//   ./fastgpu --version && java -cp cli/target/fastgpu.jar examples/tione-classify/TioneClassify.java
import io.fastgpu.core.job.JobFile;
import io.fastgpu.core.job.JobFileParser;
import io.fastgpu.core.launch.ManagedTraining;
import io.fastgpu.core.launch.TrainingTaskLaunch;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.provider.tione.TioneTools;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

public class TioneClassify {
    public static void main(String[] args) {
        Path dir = Path.of("examples/tione-classify").toAbsolutePath();
        String bucket = System.getenv().getOrDefault("FASTGPU_TIONE_BUCKET", "fastgpu-1250000000");
        AtomicBoolean interrupted = new AtomicBoolean();
        try (FastGpu fastgpu = FastGpu.builder().settings(System.getenv()).build()) {
            var tione = fastgpu.provider("tione").capabilities();
            TioneTools tools = tione.facet(TioneTools.class).orElseThrow();
            ManagedTraining training = tione.facet(ManagedTraining.class).orElseThrow();
            // 1. the data set to COS (client.upload_to_cos)
            tools.upload(dir.resolve("data"), "cos://" + bucket + "/notebook-demo-classification/data/", System.out::println, interrupted);
            // 2. the frameworks and prices (describe_training_frameworks, describe_postpaid_training_price)
            tools.frameworks().forEach(r -> System.out.println("framework " + r[4]));
            // 3. the task (create_training_task), its logs (describe_train_logs) and its output
            JobFile job = JobFileParser.parse(dir.resolve("job.yaml"));
            ManagedTraining.Plan plan = training.plan(job);
            System.out.println(plan.costQuestion() + " yes");
            // Recorded as a run, as 'fastgpu launch' records it: 'fastgpu logs', 'metrics' and 'runs' see it.
            TrainingTaskLaunch.Result r = new TrainingTaskLaunch(fastgpu, training)
                    .launch(plan, Path.of("fastgpu-out/tione-classify").toAbsolutePath(), System.out::println, interrupted);
            ManagedTraining.Outcome o = r.outcome();
            if (!r.ok()) {
                System.err.println(r.failure());
                o.lastLines().forEach(l -> System.err.println("  " + l));
                System.exit(1);
            }
            System.out.println("run " + r.runName() + " (" + r.runId() + ")");
            // 4. the metrics it pushed, and the model (create_model_by_task)
            tools.metrics(o.taskId()).forEach(m -> System.out.println("metric " + m));
            System.out.println("model " + tools.registerModel(o.taskId(), "classify-model", "torch1.9.0-py38-cu111"));
        }
    }
}
