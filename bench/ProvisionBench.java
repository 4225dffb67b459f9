/*
 * Provisioning N instances on the emulated Alibaba Cloud, with a boot latency L and the API's rate limits on.
 *
 *   java -cp cli/target/fastgpu.jar bench/ProvisionBench.java [--instances 64] [--boot-latency-ms 3000]
 *        [--cases provider,makejob] [--run-rps 20] [--describe-rps 20] [--other-rps 10] [--constant-s 2]
 *        [--install-script CMD] [--profile]
 *
 * Each case starts its own emulated cloud in this JVM (a fresh account: the OpenAPI emulator, and a real SSH
 * server per Running instance on its own loopback addresses), with one zone holding enough stock of
 * ecs.g7.xlarge, every instance spending L in Pending+Starting, and per-action rate limits as the OpenAPI
 * gateway applies them (at most R calls per action in each one-second window, the rest answered
 * Throttling.User): RunInstances --run-rps, DescribeInstances --describe-rps, every other action the
 * provider calls --other-rps. Then, in a fresh provider or runtime (nothing cached, SDK clients not yet made), timed
 * from the call until it returns:
 *
 *   provider  AliyunProvider.create(N requests) + awaitReady(ids): what a launch costs below the runtime
 *             (checks, network and key pair of the fresh account, N RunInstances, polling, an SSH login on each,
 *             so the end is when the last machine answers SSH)
 *   makejob   FastGpu.makeJob(N tasks, backend aliyun): the same through the runtime, plus the log folder,
 *             the hostfile on every task, the install script if one is given, and the job's record
 *
 * Reported per case: total seconds against the target 2 x L + C (C = --constant-s), API calls per instance
 * (client side, throttled retries included, split into create and wait phases for "provider"), the calls of each
 * action and how many the emulator throttled, when the last instance was created / Running / listening for SSH /
 * found ready (from a 50 ms sampler of the emulator), the CPU time of this JVM and the load average.
 * Every instance is released at the end of each case, even on failure, and the emulator and its SSH servers are
 * closed; the case fails if anything is left.
 *
 * Not modelled: the real API's network latency (tens of ms a call from outside the region; here a call takes
 * about a millisecond), the image boot itself (an instance is Running after exactly L, and the emulator starts its
 * SSH server as soon as it sees it Running: no OS boot, no cloud-init, no sshd start-up after Running), and a
 * real sshd: the machines' SSH servers run in this JVM and share its cores with the client.
 *
 * --profile adds where the main thread spends its wall time (its stack sampled every 20 ms, by FastGPU frame).
 * "JVM CPU" is this whole process: client, emulator and the SSH servers of the machines.
 * The last output line is "RESULT key=value ...", which bench/provision.py reads.
 */
import io.fastgpu.api.EventListener;
import io.fastgpu.api.Instance;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.Resources;
import io.fastgpu.core.runtime.FastGpu;
import io.fastgpu.core.runtime.JobRuntime;
import io.fastgpu.core.util.Parallel;
import io.fastgpu.core.spi.CreateRequest;
import io.fastgpu.emulator.aliyun.AliyunEmulator;
import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import io.fastgpu.emulator.aliyun.InstanceView;
import io.fastgpu.provider.aliyun.AliyunProvider;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

public class ProvisionBench {
    static final String TYPE = "ecs.g7.xlarge";
    static final String REGION = "cn-hangzhou";
    static final String ZONE = "cn-hangzhou-h";
    static final String KEY_ID = "LTAI-bench-key";
    static final String SECRET = "bench-secret-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    /** The other actions a launch calls (rate-limited with --other-rps). */
    static final List<String> OTHER_ACTIONS = List.of("DescribeZones", "DescribeAvailableResource", "DescribeImages",
            "DescribeKeyPairs", "CreateKeyPair", "DescribeVpcs", "CreateVpc", "DescribeVSwitches", "CreateVSwitch",
            "DescribeSecurityGroups", "CreateSecurityGroup", "AuthorizeSecurityGroup", "DescribePrice",
            "DeleteInstance", "StartInstances", "StopInstances");

    static final List<String> VALUE_OPTIONS = List.of("--instances", "--boot-latency-ms", "--run-rps", "--describe-rps",
            "--other-rps", "--constant-s", "--cases", "--install-script");

    static int instances = 64;
    static long bootMs = 3000;
    static int runRps = 20;
    static int describeRps = 20;
    static int otherRps = 10;
    static double constantS = 2;
    static String installScript = "";
    static boolean profile;
    static Path work;

    public static void main(String[] a) throws Exception {
        List<String> cases = List.of("provider", "makejob");
        for (int i = 0; i < a.length; i++) {
            if (a[i].equals("--profile")) {
                profile = true;
                continue;
            }
            if (a[i].equals("--help")) {
                System.out.println("ProvisionBench [--profile] " + String.join(" ", VALUE_OPTIONS.stream().map(o -> "[" + o + " V]").toList())
                        + "; see the comment at the top of bench/ProvisionBench.java");
                return;
            }
            if (!VALUE_OPTIONS.contains(a[i])) usage("unknown option " + a[i]);
            if (i + 1 >= a.length) usage(a[i] + " needs a value");
            String v = a[++i];
            switch (a[i - 1]) {
                case "--instances" -> instances = Integer.parseInt(v);
                case "--boot-latency-ms" -> bootMs = Long.parseLong(v);
                case "--run-rps" -> runRps = Integer.parseInt(v);
                case "--describe-rps" -> describeRps = Integer.parseInt(v);
                case "--other-rps" -> otherRps = Integer.parseInt(v);
                case "--constant-s" -> constantS = Double.parseDouble(v);
                case "--cases" -> cases = List.of(v.split(","));
                case "--install-script" -> installScript = v;
                default -> throw new IllegalStateException(a[i - 1]);
            }
        }
        double target = 2 * bootMs / 1000.0 + constantS;
        System.out.printf(Locale.ROOT, "%d instances of %s, boot latency L = %.1f s; rate limits per second: RunInstances %d,"
                        + " DescribeInstances %d, other actions %d; target 2 x L + %.1f = %.1f s; %d cores, %s%n",
                instances, TYPE, bootMs / 1000.0, runRps, describeRps, otherRps, constantS, target,
                Runtime.getRuntime().availableProcessors(), load());
        work = Files.createTempDirectory("fastgpu-provision-");
        List<String> results = new ArrayList<>();
        boolean ok = true;
        try {
            for (String c : cases) {
                try {
                    results.add(runCase(c, work.resolve(c)));
                } catch (Exception e) {
                    ok = false;
                    System.out.println(c + ": FAILED: " + e);
                    e.printStackTrace(System.out);
                }
            }
        } finally {
            deleteTree(work);
        }
        System.out.println("RESULT n=" + instances + " boot_s=" + bootMs / 1000.0 + " target_s=" + target
                + " limits=" + runRps + "/" + describeRps + "/" + otherRps + " " + String.join(" ", results));
        System.exit(ok ? 0 : 1);
    }

    static void usage(String problem) {
        System.err.println(problem + "; see the comment at the top of bench/ProvisionBench.java");
        System.exit(2);
    }

    /** Runs one case in a fresh emulated cloud; returns its RESULT fields. */
    static String runCase(String kind, Path dir) throws Exception {
        Files.createDirectories(dir);
        EmulatorConfig.Builder config = EmulatorConfig.builder()
                .accessKey(KEY_ID, SECRET)
                .loopbackAddresses(true)
                .bootLatency(Duration.ofMillis(bootMs))
                .instanceQuota(Math.max(100, instances + 10))
                .regions(List.of(new EmulatorConfig.RegionSpec(REGION, "East China 1 (Hangzhou)", List.of(
                        new EmulatorConfig.ZoneSpec(ZONE, "Hangzhou Zone H", Map.of(TYPE, Math.max(100, instances)))))))
                .throttle("RunInstances", runRps)
                .throttle("DescribeInstances", describeRps);
        for (String action : OTHER_ACTIONS) config.throttle(action, otherRps);
        EmulatedCloud cloud = EmulatedCloud.start(config.build(), 0, dir.resolve("machines"), freePort());
        // Interrupted (Ctrl-C): still halt the machines, so that no process they started outlives the run.
        Thread onExit = new Thread(() -> {
            cloud.close();
            try {
                deleteTree(work);
            } catch (IOException | InterruptedException e) {
                System.err.println("could not remove " + work + ": " + e);
            }
        }, "bench-exit");
        Runtime.getRuntime().addShutdownHook(onExit);
        Map<String, String> env = new HashMap<>(cloud.environment(KEY_ID, SECRET));
        env.put("FASTGPU_ALIYUN_THROTTLE_SECONDS", "120");
        env.put("USER", "bench");
        env.put("HOME", dir.resolve("user").toString());
        Sampler sampler = new Sampler(cloud);
        Profiler profiler = profile ? new Profiler(Thread.currentThread()) : null;
        AliyunProvider provider = null;
        FastGpu fg = null;
        try {
            double cpu0 = cpu();
            sampler.start();
            if (profiler != null) profiler.start();
            long t0 = System.nanoTime();
            sampler.t0 = t0;
            StringBuilder fields = new StringBuilder();
            String split = "";
            if (kind.equals("provider")) {
                provider = new AliyunProvider(dir.resolve("home"), EventListener.NONE, env, dir.resolve("user"));
                List<CreateRequest> requests = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    requests.add(new CreateRequest("task" + i + ".pbench", new Resources(TYPE, "", false, 100), "",
                            Map.of("fastgpu:job", "pbench", "fastgpu:task", String.valueOf(i)), Map.of()));
                }
                List<Instance> made = provider.create(provider.validate(requests)).orThrow(); // as a launch does: check, then buy
                long t1 = System.nanoTime();
                long calls1 = provider.apiCalls();
                List<Instance> ready = provider.awaitReady(made.stream().map(Instance::id).toList(), Duration.ofMinutes(10));
                long t2 = System.nanoTime();
                long calls2 = provider.apiCalls();
                if (ready.size() != instances || ready.stream().map(Instance::id).distinct().count() != instances) {
                    throw new IllegalStateException("awaitReady answered " + ready.size() + " instances, expected " + instances);
                }
                split = String.format(Locale.ROOT, "create %.2f s (%.2f calls/instance), awaitReady %.2f s (%.2f calls/instance)",
                        (t1 - t0) / 1e9, calls1 / (double) instances, (t2 - t1) / 1e9, (calls2 - calls1) / (double) instances);
                fields.append(String.format(Locale.ROOT, " %s_create_s=%.3f %s_wait_s=%.3f %s_create_calls=%d %s_wait_calls=%d",
                        kind, (t1 - t0) / 1e9, kind, (t2 - t1) / 1e9, kind, calls1, kind, calls2 - calls1));
            } else if (kind.equals("makejob")) {
                fg = FastGpu.builder().home(dir.resolve("home")).localBase(dir).settings(env).confirmer(q -> true).build();
                JobRuntime job = fg.makeJob(JobOptions.builder("pbench").backend("aliyun").numTasks(instances)
                        .instanceType(TYPE).confirmCost(true).installScript(installScript).build());
                if (job.taskRuntimes().size() != instances) {
                    throw new IllegalStateException("makeJob answered " + job.taskRuntimes().size() + " tasks, expected " + instances);
                }
                provider = (AliyunProvider) fg.provider("aliyun");
            } else {
                throw new IllegalArgumentException("unknown case " + kind + " (provider or makejob)");
            }
            long tEnd = System.nanoTime();
            double total = (tEnd - t0) / 1e9;
            double cpu = cpu() - cpu0;
            sampler.stop();
            if (profiler != null) profiler.stop();
            long calls = provider.apiCalls();
            Map<String, AliyunEmulator.CallCount> counts = cloud.api().callCounts();
            long throttled = counts.values().stream().mapToLong(AliyunEmulator.CallCount::throttled).sum();
            double target = 2 * bootMs / 1000.0 + constantS;

            System.out.printf(Locale.ROOT, "%n%s, %d instances: %.2f s (target %.1f s: %s); %d API calls = %.2f per instance"
                            + " (%d throttled and retried); JVM CPU %.1f s; %s%n", kind, instances, total, target,
                    total <= target ? "met" : "MISSED", calls, calls / (double) instances, throttled, cpu, load());
            if (!split.isEmpty()) System.out.println("  " + split);
            StringBuilder byAction = new StringBuilder();
            counts.forEach((action, c) -> byAction.append(String.format(Locale.ROOT, " %s %d%s,", action, c.calls(),
                    c.throttled() > 0 ? " (" + c.throttled() + " throttled)" : "")));
            System.out.println("  calls by action:" + byAction.substring(0, byAction.length() - 1));
            System.out.println("  timeline, seconds from the call (first .. last instance):");
            System.out.println("    " + sampler.describe());
            if (profiler != null) System.out.print(profiler.report());
            fields.append(String.format(Locale.ROOT, " %s_total_s=%.3f %s_calls=%d %s_throttled=%d %s_cpu_s=%.1f %s_met=%s %s",
                    kind, total, kind, calls, kind, throttled, kind, cpu, kind, total <= target ? "yes" : "no",
                    sampler.fields(kind)));
            counts.forEach((action, c) -> fields.append(" ").append(kind).append("_calls_").append(action).append("=")
                    .append(c.calls()).append("/").append(c.throttled()));
            return fields.toString().strip();
        } finally {
            sampler.stop();
            if (profiler != null) profiler.stop();
            try {
                releaseAll(cloud, env, dir.resolve("cleanup"));
            } finally {
                if (fg != null) fg.close();
                else if (provider != null) provider.close();
                Runtime.getRuntime().removeShutdownHook(onExit);
                cloud.close();
            }
        }
    }

    /** Releases every instance of the emulated account (rate limits lifted first), and checks none is left. */
    static void releaseAll(EmulatedCloud cloud, Map<String, String> env, Path home) {
        for (String action : Stream.concat(Stream.of("RunInstances", "DescribeInstances"), OTHER_ACTIONS.stream()).toList()) {
            cloud.api().testHooks().setThrottle(action, 0);
        }
        try (AliyunProvider cleaner = new AliyunProvider(home, EventListener.NONE, env, home.resolve("user"))) {
            for (int attempt = 0; attempt < 3; attempt++) {
                List<String> ids = cloud.api().instances().stream().map(InstanceView::instanceId).toList();
                if (ids.isEmpty()) break;
                for (var o : Parallel.each(ids, id -> { cleaner.destroy(id); return id; })) {
                    if (!o.ok()) System.out.println("  release " + o.item() + ": " + o.error().getMessage());
                }
            }
        }
        List<InstanceView> left = cloud.api().instances();
        if (!left.isEmpty()) {
            throw new IllegalStateException(left.size() + " instance(s) could not be released: "
                    + left.stream().map(InstanceView::instanceId).toList());
        }
        System.out.println("  released every instance");
    }

    /** Follows the instances through the emulator every 50 ms: when each was first seen, Running, and listening for SSH. */
    static final class Sampler {
        final EmulatedCloud cloud;
        final Map<String, double[]> at = new ConcurrentHashMap<>(); // id -> {created, running, up}
        volatile long t0;
        volatile boolean running;
        Thread thread;

        Sampler(EmulatedCloud cloud) { this.cloud = cloud; }

        void start() {
            running = true;
            thread = new Thread(() -> {
                while (running) {
                    double now = (System.nanoTime() - t0) / 1e9;
                    for (InstanceView v : cloud.api().instances()) {
                        double[] t = at.computeIfAbsent(v.instanceId(), k -> new double[] {now, -1, -1});
                        if (t[1] < 0 && "Running".equals(v.status())) t[1] = now;
                        if (t[2] < 0 && t[1] >= 0 && cloud.machines().isUp(v.instanceId())) t[2] = now;
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            if (thread != null) thread.interrupt();
        }

        double first(int k) { return at.values().stream().mapToDouble(t -> t[k]).filter(x -> x >= 0).min().orElse(-1); }

        double last(int k) { return at.values().stream().mapToDouble(t -> t[k]).max().orElse(-1); }

        String describe() {
            return String.format(Locale.ROOT, "created %.2f .. %.2f, Running %.2f .. %.2f, SSH server up %.2f .. %.2f",
                    first(0), last(0), first(1), last(1), first(2), last(2));
        }

        String fields(String kind) {
            return String.format(Locale.ROOT, "%s_created_first_s=%.2f %s_created_last_s=%.2f %s_running_last_s=%.2f"
                    + " %s_up_last_s=%.2f", kind, first(0), kind, last(0), kind, last(1), kind, last(2));
        }
    }

    /**
     * Where the main thread spends its wall time (--profile): its stack every 20 ms, the time since the previous
     * sample counted to its innermost FastGPU frames, so waiting shows as well as computing.
     */
    static final class Profiler {
        final Thread target;
        final Map<String, Long> nanos = new ConcurrentHashMap<>();
        volatile boolean running;
        Thread thread;

        Profiler(Thread target) { this.target = target; }

        void start() {
            running = true;
            thread = new Thread(() -> {
                long last = System.nanoTime();
                while (running) {
                    List<String> frames = new ArrayList<>();
                    for (StackTraceElement f : target.getStackTrace()) {
                        if (f.getClassName().startsWith("io.fastgpu.") && frames.size() < 3) {
                            String cls = f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1);
                            frames.add(cls + "." + f.getMethodName() + ":" + f.getLineNumber());
                        }
                    }
                    long now = System.nanoTime();
                    nanos.merge(frames.isEmpty() ? "(outside FastGPU)" : String.join(" < ", frames), now - last, Long::sum);
                    last = now;
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bench-profiler");
            thread.setDaemon(true);
            thread.start();
        }

        void stop() {
            running = false;
            if (thread != null) thread.interrupt();
        }

        String report() {
            StringBuilder sb = new StringBuilder("  main thread, wall seconds by innermost FastGPU frames:\n");
            nanos.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(15)
                    .forEach(e -> sb.append(String.format(Locale.ROOT, "    %5.2f  %s%n", e.getValue() / 1e9, e.getKey())));
            return sb.toString();
        }
    }

    static double cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    static String load() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return String.format(Locale.ROOT, "load average %.2f", l);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Removes the case folders; retries, as machines still being released may write there for a moment. */
    static void deleteTree(Path root) throws IOException, InterruptedException {
        for (int attempt = 0; ; attempt++) {
            if (!Files.exists(root)) return;
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                return;
            } catch (IOException e) {
                if (attempt >= 10) throw e;
                Thread.sleep(200);
            }
        }
    }
}
