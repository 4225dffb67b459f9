/*
 * Time from a spot reclaim to training resumed, in a managed run on the emulated Alibaba Cloud.
 *
 *   java -cp cli/target/fastgpu.jar bench/RecoveryBench.java [--boot-latency-ms 3000] [--runs 3] [--epoch-s 0.5]
 *
 * Starts an emulated cloud in this JVM (boot latency L), launches examples/resumable's train.py as a managed
 * run of 2 tasks on it (`fastgpu launch --managed --yes`, through the CLI's Main, so the run gets its own
 * controller process), waits until rank 0 finished epoch 3, then takes task1 back (the cloud's reclaim, no
 * notice) and measures, by polling the run's output and state every 20 ms:
 *
 *   detected   reclaim → the controller's state says "recovering"
 *   resumed    reclaim → both ranks printed "resumed from epoch N" (training running again on both tasks)
 *
 * and prints the controller's own account of the recovery (the step ended on the others, the new machine ready,
 * setup and files, the checkpoint in place). Each run is a new managed run of the same job (the machines of the
 * last one are started again; the reclaimed one's replacement is kept). Target: resumed <= L + 10 s.
 * Everything is released at the end.
 */
import io.fastgpu.cli.Main;
import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import io.fastgpu.emulator.aliyun.InstanceView;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

public class RecoveryBench {
    public static void main(String[] args) throws Exception {
        long bootMs = 3000;
        int runs = 3;
        String epochS = "0.5";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--boot-latency-ms" -> bootMs = Long.parseLong(args[++i]);
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--epoch-s" -> epochS = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path root = Files.createTempDirectory("fastgpu-recovery-bench");
        Path home = root.resolve("home");
        Path work = root.resolve("work");
        Files.createDirectories(work.resolve("job"));
        Files.copy(Path.of("examples/resumable/train.py"), work.resolve("job/train.py"));
        Files.writeString(work.resolve("job/job.yaml"), """
                name: rbench
                machines: 2
                backend: aliyun
                resources: {instance_type: ecs.g7.xlarge, spot: true}
                managed: true
                recovery: {on: [preemption, node-lost], max_restarts: 5, checkpoint_dir: ckpt}
                upload: [train.py]
                env: {EPOCHS: "16", EPOCH_SECONDS: "%s"}
                steps:
                  - {name: train, launcher: env, nproc_per_node: 1, run: python3 train.py}
                after: stop
                """.formatted(epochS));
        String secret = "bench-secret";
        EmulatorConfig config = EmulatorConfig.builder().accessKey("LTAI-bench", secret).loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(bootMs)).stopLatency(Duration.ofMillis(500)).build();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("ALIYUN") || k.startsWith("ALIBABA_CLOUD") || k.startsWith("FASTGPU_"));
        env.put("HOME", root.resolve("user").toString());
        env.put("USER", "bench");
        List<Double> detected = new ArrayList<>();
        List<Double> resumed = new ArrayList<>();
        try (EmulatedCloud cloud = EmulatedCloud.start(config, 0, root.resolve("machines"), port)) {
            env.putAll(cloud.environment("LTAI-bench", secret));
            env.put("FASTGPU_HOME", home.toString());
            Path runLog = home.resolve("managed/rbench/run.log");
            Path state = home.resolve("managed/rbench/state.json");
            try {
                for (int n = 1; n <= runs; n++) {
                    Files.deleteIfExists(runLog);
                    CompletableFuture<Integer> launch = CompletableFuture.supplyAsync(() -> cli(home, work, env, "launch", "job", "--yes"));
                    await(() -> read(runLog).contains("rank 0: epoch 3 "), 300, "epoch 3");
                    String task1 = cloud.api().instances().stream().filter(v -> v.instanceName().equals("task1.rbench"))
                            .map(InstanceView::instanceId).findFirst().orElseThrow();
                    int before = read(runLog).length();
                    long t0 = System.nanoTime();
                    cloud.api().testHooks().interruptSpotInstance(task1);
                    await(() -> read(state).contains("\"status\":\"recovering\""), 120, "recovering");
                    double d = (System.nanoTime() - t0) / 1e9;
                    await(() -> {
                        String after = read(runLog).substring(before);
                        return after.contains("rank 0: resumed from epoch") && after.contains("rank 1: resumed from epoch");
                    }, 120, "resumed");
                    double r = (System.nanoTime() - t0) / 1e9;
                    detected.add(d);
                    resumed.add(r);
                    int code = launch.get(5, TimeUnit.MINUTES);
                    String log = read(runLog);
                    System.out.printf(Locale.ROOT, "run %d: detected %.2f s, resumed %.2f s (exit %d)%n", n, d, r, code);
                    log.lines().filter(l -> l.contains("task1 reclaimed")).forEach(l -> System.out.println("  " + l));
                }
            } finally {
                cli(home, work, env, "cancel", "rbench", "--timeout", "60");
                cli(home, work, env, "kill", "--yes", "{rbench}");
            }
        }
        System.out.printf(Locale.ROOT, "boot latency L = %.1f s; median over %d runs: detected %.2f s, resumed %.2f s"
                        + " (min %.2f, max %.2f); target L + 10 s = %.1f s%n", bootMs / 1000.0, runs, median(detected),
                median(resumed), Collections.min(resumed), Collections.max(resumed), bootMs / 1000.0 + 10);
    }

    private static int cli(Path home, Path work, Map<String, String> env, String... args) {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        return Main.run(args, home, work, new ByteArrayInputStream(new byte[0]), sink, sink, false, env);
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (Exception e) {
            return "";
        }
    }

    interface Condition { boolean holds() throws Exception; }

    private static void await(Condition c, int seconds, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!c.holds()) {
            if (System.nanoTime() > deadline) throw new IllegalStateException("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }
}
