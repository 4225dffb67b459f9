package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import io.fastgpu.emulator.aliyun.AliyunEmulator;
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
                "aliyun: the ECS OpenAPI; point the SDK (or FastGPU) at the printed endpoint."})
final class EmulatorCommand implements Callable<Integer> {
    /** The secret is read from here, never from the command line, so it stays out of process listings. */
    static final String SECRET_ENV = "ALIYUN_EMULATOR_ACCESS_KEY_SECRET";

    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "CLOUD", description = "aliyun") String cloud;

    @Option(names = "--port", description = "Port on 127.0.0.1 (default: any free one).") int port;

    @Option(names = "--state", paramLabel = "FILE", description = "Keep the emulated cloud in this file across restarts.")
    Path state;

    @Option(names = "--access-key-id", required = true, description = "The key id it accepts; the secret comes from $"
            + SECRET_ENV + ".") String keyId;

    @Option(names = "--boot-latency-ms", description = "How long instances take to start and stop.") long bootLatencyMs;

    EmulatorCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() throws Exception {
        if (!cloud.equals("aliyun")) throw new InvalidSpecException("unknown cloud '" + cloud + "'; the emulator knows: aliyun");
        String secret = System.getenv(SECRET_ENV);
        if (secret == null || secret.isBlank()) {
            throw new InvalidSpecException("set " + SECRET_ENV + " to the access key secret the emulator should accept");
        }
        EmulatorConfig.Builder b = EmulatorConfig.builder().accessKey(keyId, secret).bootLatency(Duration.ofMillis(bootLatencyMs));
        if (state != null) b.stateFile(ctx.workDir().resolve(state));
        AliyunEmulator emulator = new AliyunEmulator(b.build(), port);
        emulator.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            emulator.close();
            stopped.countDown();
        }));
        ctx.out().println("aliyun emulator listening on " + emulator.endpoint() + " (access key id " + keyId + "); Ctrl-C stops it");
        ctx.out().flush();
        stopped.await();
        return 0;
    }
}
