package io.fastgpu.cli;

import io.fastgpu.provider.tione.TioneTools;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code fastgpu tione ...}: Tikit's vocabulary for users of the TI-ONE tutorial. */
@Command(name = "tione", mixinStandardHelpOptions = true,
        description = "Tencent Cloud TI-ONE, in Tikit's words: frameworks, prices, upload to COS, a task's logs, a model.",
        subcommands = {TioneCommand.Frameworks.class, TioneCommand.Prices.class, TioneCommand.Upload.class,
                TioneCommand.Logs.class, TioneCommand.Register.class})
final class TioneCommand implements Callable<Integer> {
    @Mixin GlobalOptions global;

    @Override
    public Integer call() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "say what: frameworks, prices, upload, logs or register");
    }

    static TioneTools tools(CliContext ctx) {
        return Facets.require(ctx, TioneTools.class, "tione");
    }

    @Command(name = "frameworks", mixinStandardHelpOptions = true, description = "The training frameworks (DescribeTrainingFrameworks).")
    static final class Frameworks implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;

        Frameworks(CliContext ctx) { this.ctx = ctx; }

        @Override public Integer call() {
            ctx.out().print(Table.render(new String[] {"Framework", "Version", "Environment", "Modes", "resources.framework"},
                    tools(ctx).frameworks()));
            ctx.out().flush();
            return 0;
        }
    }

    @Command(name = "prices", mixinStandardHelpOptions = true, description = "Training specs and their hourly prices (DescribeBillingSpecsPrice).")
    static final class Prices implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;

        Prices(CliContext ctx) { this.ctx = ctx; }

        @Override public Integer call() {
            ctx.out().print(Table.render(new String[] {"Spec (resources.instance_type)", "Resources", "CNY per node-hour"},
                    tools(ctx).prices()));
            ctx.out().flush();
            return 0;
        }
    }

    @Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload a file or folder to COS (changed files only).")
    static final class Upload implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Parameters(index = "0", paramLabel = "LOCAL") Path local;
        @Parameters(index = "1", paramLabel = "cos://BUCKET/PATH") String cos;

        Upload(CliContext ctx) { this.ctx = ctx; }

        @Override public Integer call() {
            AtomicBoolean interrupted = new AtomicBoolean();
            Thread hook = new Thread(() -> interrupted.set(true));
            Runtime.getRuntime().addShutdownHook(hook);
            boolean ok = tools(ctx).upload(ctx.workDir().resolve(local), cos, l -> {
                ctx.out().println(l);
                ctx.out().flush();
            }, interrupted);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // shutting down
            }
            return ok ? 0 : 130;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "A training task's logs (DescribeLogs), by id or name.")
    static final class Logs implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Parameters(paramLabel = "TASK") String task;
        @Option(names = {"-f", "--follow"}, description = "Keep printing until the task ends.") boolean follow;

        Logs(CliContext ctx) { this.ctx = ctx; }

        @Override public Integer call() {
            tools(ctx).logs(task, follow, l -> {
                ctx.out().println(l);
                ctx.out().flush();
            });
            return 0;
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a succeeded task's output as a model (CreateTrainingModel).")
    static final class Register implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Parameters(index = "0", paramLabel = "TASK") String task;
        @Parameters(index = "1", paramLabel = "MODEL_NAME") String name;
        @Option(names = "--reasoning-env", description = "The inference environment (default ${DEFAULT-VALUE}).")
        String env = "torch1.9.0-py38-cu111";

        Register(CliContext ctx) { this.ctx = ctx; }

        @Override public Integer call() {
            String[] ids = tools(ctx).registerModel(task, name, env).split(" ");
            ctx.out().println("registered model " + name + ": " + ids[0] + " version " + ids[1]);
            List<String> metrics = tools(ctx).metrics(task);
            if (!metrics.isEmpty()) ctx.out().println("its metrics: " + String.join("; ", metrics));
            ctx.out().flush();
            return 0;
        }
    }
}
