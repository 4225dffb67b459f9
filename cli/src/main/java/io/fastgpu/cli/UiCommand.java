package io.fastgpu.cli;

import io.fastgpu.dashboard.DashboardServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code fastgpu ui [--port P]}: the web dashboard on this machine, until Ctrl-C. */
@Command(name = "ui", mixinStandardHelpOptions = true,
        description = "Serve a web dashboard on 127.0.0.1 (instances, runs with live logs and metric charts, models)"
                + " until Ctrl-C; open the address it prints (it holds the access token).")
final class UiCommand implements Callable<Integer> {
    static final int DEFAULT_PORT = 8090;

    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = "--port", paramLabel = "P", description = "Port on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any free port).")
    int port = DEFAULT_PORT;

    UiCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            ctx.err().println("error: --port must be 0..65535, was " + port);
            return 2;
        }
        DashboardServer server = DashboardServer.start(ctx.fastGpu(), port);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "fastgpu-ui-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        ctx.out().println("FastGPU dashboard: " + server.url());
        ctx.out().println("(on this machine only; the address holds its access token. Ctrl-C stops it.)");
        ctx.out().flush();
        stopped.await();
        return 0;
    }
}
