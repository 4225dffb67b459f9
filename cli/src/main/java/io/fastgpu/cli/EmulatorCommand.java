package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.emulator.aliyun.EmulatedCloud;
import io.fastgpu.emulator.aliyun.EmulatorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code fastgpu emulator aliyun}: the offline Alibaba Cloud API, to rehearse launches for free. */
@Command(name = "emulator", mixinStandardHelpOptions = true,
        description = {"Run an offline emulator of a cloud's API on this machine, until interrupted.",
                "aliyun: the ECS, VPC and NAS OpenAPI, with a real SSH-reachable machine behind every running instance;",
                "it prints the environment that points FastGPU (backend: aliyun) at it.",
                "tione: Tencent Cloud TI-ONE (2021-11-11) and the COS XML API; training tasks run on emulated machines",
                "(--state names its folder; the secret key comes from $" + EmulatorCommand.TIONE_SECRET_ENV + ")."})
final class EmulatorCommand implements Callable<Integer> {
    /** The secret is read from here, never from the command line, so it stays out of process listings. */
    static final String SECRET_ENV = "ALIYUN_EMULATOR_ACCESS_KEY_SECRET";
    /** The TI-ONE emulator's secret key, likewise never on the command line. */
    static final String TIONE_SECRET_ENV = "TIONE_EMULATOR_SECRET_KEY";

    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "CLOUD", description = "aliyun or tione") String cloud;

    @Option(names = "--port", description = "Port on 127.0.0.1 (default: any free one).") int port;

    @Option(names = "--state", paramLabel = "FILE", description = "Keep the emulated cloud in this file across restarts.")
    Path state;

    @Option(names = "--access-key-id", required = true, description = "The key id it accepts; the secret comes from $"
            + SECRET_ENV + " (tione: $" + TIONE_SECRET_ENV + ").") String keyId;

    @Option(names = "--bucket", paramLabel = "BUCKET-APPID", description = "tione: the account's COS bucket (default ${DEFAULT-VALUE}).")
    String bucket = "fastgpu-1250000000";

    @Option(names = "--node-quota", paramLabel = "N", description = "tione: most training nodes at once (default ${DEFAULT-VALUE}).")
    int nodeQuota = 8;

    @Option(names = "--boot-latency-ms", description = "How long instances take to start and stop.") long bootLatencyMs;

    @Option(names = "--ssh-port", description = "The port every emulated machine's SSH server listens on (default 2222).")
    int sshPort = 2222;

    @Option(names = "--machines", paramLabel = "DIR", description = "Where the machines' disks live"
            + " (default: beside the state file, else under the FastGPU home).")
    Path machines;

    @Option(names = "--env-file", paramLabel = "FILE", description = "Also write the export lines (without the secret) to FILE.")
    Path envFile;

    @Option(names = "--caller-ip", paramLabel = "ADDRESS", description = "Your public address as the emulated internet sees it"
            + " (default " + EmulatorConfig.DEFAULT_CALLER_IP + "); $FASTGPU_PUBLIC_IP_URL answers it.")
    String callerIp = EmulatorConfig.DEFAULT_CALLER_IP;

    /** On unless turned off: a rule the emulator ignored would hide a launch the cloud locks out. */
    @Option(names = "--enforce-security-groups", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Machines let SSH in only as their security group allows, as the cloud does (from the caller"
                    + " address to public addresses; between machines of a group). On by default;"
                    + " --no-enforce-security-groups lets every connection in.")
    boolean enforceSecurityGroups;

    @Option(names = "--instance-role", paramLabel = "NAME", description = "aliyun: an instance RAM role the account has"
            + " (repeatable), for FASTGPU_ALIYUN_INSTANCE_ROLE: machines bought with it may release themselves.")
    java.util.List<String> instanceRoles = new java.util.ArrayList<>();

    EmulatorCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() throws Exception {
        if (cloud.equals("tione")) return tione();
        if (!cloud.equals("aliyun")) throw new InvalidSpecException("unknown cloud '" + cloud + "'; the emulator knows: aliyun, tione");
        String secret = ctx.env().get(SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            throw new InvalidSpecException("set " + SECRET_ENV + " to the access key secret the emulator should accept");
        }
        String octet = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
        if (callerIp == null || !callerIp.matches(octet + "(\\." + octet + "){3}")) {
            throw new InvalidSpecException("--caller-ip must be an IPv4 address such as " + EmulatorConfig.DEFAULT_CALLER_IP
                    + ", was '" + callerIp + "'");
        }
        EmulatorConfig.Builder b = EmulatorConfig.builder().accessKey(keyId, secret).bootLatency(Duration.ofMillis(bootLatencyMs))
                .loopbackAddresses(true).callerIp(callerIp).enforceSecurityGroups(enforceSecurityGroups);
        instanceRoles.forEach(b::instanceRole);
        Path stateFile = state == null ? null : ctx.workDir().resolve(state);
        if (stateFile != null) b.stateFile(stateFile);
        Path disks = machines != null ? ctx.workDir().resolve(machines)
                : stateFile != null ? stateFile.resolveSibling(stateFile.getFileName() + ".machines")
                : ctx.home().resolve("emulator").resolve("machines");
        EmulatedCloud cloud = EmulatedCloud.start(b.build(), port, disks, sshPort);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            cloud.close();
            stopped.countDown();
        }));
        StringBuilder exports = new StringBuilder();
        cloud.environment(keyId, null).forEach((k, v) -> exports.append("export ").append(k).append('=').append(v).append('\n'));
        exports.append("export ALIYUN_ACCESS_KEY_SECRET=\"$" + SECRET_ENV + "\"\n");
        if (envFile != null) {
            Path f = ctx.workDir().resolve(envFile);
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            java.nio.file.Files.writeString(tmp, exports.toString());
            java.nio.file.Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ctx.out().println("aliyun emulator listening on " + cloud.api().endpoint() + " (access key id " + keyId
                + "); machines answer SSH on port " + sshPort + " of their addresses; Ctrl-C stops it.");
        ctx.out().println("The emulated internet sees you as " + callerIp + "; security groups are "
                + (enforceSecurityGroups ? "enforced: SSH reaches a machine only from addresses its group allows."
                        : "not enforced (--no-enforce-security-groups): every SSH connection gets in."));
        ctx.out().println("Point FastGPU at it with:");
        ctx.out().print(exports);
        ctx.out().flush();
        stopped.await();
        return 0;
    }

    /** {@code fastgpu emulator tione}: TI-ONE and COS on loopback, everything kept under --state (a folder). */
    private int tione() throws Exception {
        String secret = ctx.env().get(TIONE_SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            throw new InvalidSpecException("set " + TIONE_SECRET_ENV + " to the secret key the emulator should accept");
        }
        if (!bucket.matches("[a-z0-9][a-z0-9-]*-\\d+")) {
            throw new InvalidSpecException("--bucket must be NAME-APPID, such as fastgpu-1250000000, was '" + bucket + "'");
        }
        Path root = state != null ? ctx.workDir().resolve(state) : ctx.home().resolve("emulator").resolve("tione");
        io.fastgpu.emulator.tione.TioneConfig config = io.fastgpu.emulator.tione.TioneConfig.of(keyId, secret, root)
                .withBuckets(java.util.List.of(bucket)).withNodeQuota(nodeQuota)
                .withLatency(Duration.ofMillis(bootLatencyMs > 0 ? bootLatencyMs : 300));
        io.fastgpu.emulator.tione.TioneEmulator emu = new io.fastgpu.emulator.tione.TioneEmulator(config, port).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emu.close();
            stopped.countDown();
        }));
        String exports = "export TENCENTCLOUD_SECRET_ID=" + keyId + "\n"
                + "export TENCENTCLOUD_REGION=ap-guangzhou\n"
                + "export FASTGPU_TIONE_ENDPOINT=" + emu.endpoint() + "\n"
                + "export FASTGPU_TIONE_BUCKET=" + bucket + "\n"
                + "export TENCENTCLOUD_SECRET_KEY=\"$" + TIONE_SECRET_ENV + "\"\n";
        if (envFile != null) {
            Path f = ctx.workDir().resolve(envFile);
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            java.nio.file.Files.writeString(tmp, exports);
            java.nio.file.Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        ctx.out().println("tione emulator (TI-ONE 2021-11-11 and COS) listening on " + emu.endpoint() + " (secret id " + keyId
                + ", bucket " + bucket + ", state in " + root + "); Ctrl-C stops it.");
        ctx.out().println("Point FastGPU (backend: tione) at it with:");
        ctx.out().print(exports);
        ctx.out().flush();
        stopped.await();
        return 0;
    }
}
