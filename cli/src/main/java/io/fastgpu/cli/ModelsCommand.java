package io.fastgpu.cli;

import io.fastgpu.core.models.ModelRef;
import io.fastgpu.core.models.ModelRegistry;
import io.fastgpu.core.state.ModelRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/** {@code fastgpu models register|list|show|download|delete}: the model registry. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "The model registry: a run's output as a versioned model (NAME:v1, NAME:v2, ...), stored once by sha256.",
        subcommands = {ModelsCommand.Register.class, ModelsCommand.ListModels.class, ModelsCommand.Show.class,
                ModelsCommand.Download.class, ModelsCommand.Delete.class})
final class ModelsCommand implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = "Register a finished run's output as the next version of model NAME (or as NAME:vN).")
    static final class Register implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Parameters(paramLabel = "NAME", description = "The model: NAME for its next version, or NAME:vN.") String name;
        @Option(names = "--run", required = true, paramLabel = "RUN", description = "Run name, log folder name or run id.") String run;
        @Option(names = "--path", paramLabel = "PATH", description = "The output as the job wrote it on task0 (relative to its home, as"
                + " in download:); default: the run's only downloaded file.") String path;
        @Option(names = "--framework", paramLabel = "NAME", description = "e.g. pytorch.") String framework;
        @Option(names = "--description", paramLabel = "TEXT", description = "Free text.") String description;
        @Option(names = "--from", paramLabel = "DIR", description = "Where the run's download folder is (default: ./fastgpu-out).") Path from;
        @Option(names = "--backend", paramLabel = "NAME", description = "tione: register in TI-ONE's model repository"
                + " (CreateTrainingModel); --run names the training task, --framework its inference environment.") String backend;

        Register(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() {
            if ("tione".equals(backend)) {
                String ids = TioneCommand.tools(ctx).registerModel(run, name,
                        framework != null ? framework : "torch1.9.0-py38-cu111");
                ctx.out().println("Registered " + name + " in TI-ONE's model repository from task " + run + ": model "
                        + ids.replace(" ", ", version "));
                ctx.out().flush();
                return 0;
            }
            if (backend != null) {
                throw new io.fastgpu.api.InvalidSpecException("models register --backend knows tione only (without it the"
                        + " model goes to FastGPU's own registry), was '" + backend + "'");
            }
            Path root = ctx.workDir().resolve(from != null ? from : Path.of("fastgpu-out"));
            ModelRegistry reg = ModelRegistry.open(ctx.fastGpu());
            ModelRecord m = reg.register(new ModelRegistry.Request(ModelRef.parse(name), run, path, framework, description, root));
            ctx.out().println("Registered " + m.ref() + " (" + m.size() + " bytes, sha256 " + m.sha256() + ") from " + m.source());
            ctx.out().flush();
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Every version of every registered model.")
    static final class ListModels implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Mixin JsonOption json;

        ListModels(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() {
            List<ModelRecord> all = ModelRegistry.open(ctx.fastGpu()).list();
            if (json.json) {
                ctx.out().println(Json.list(all.stream().map(ModelsCommand::json).toList()));
            } else if (all.isEmpty()) {
                ctx.out().println("No models yet; 'fastgpu models register NAME --run RUN' registers a run's output.");
            } else {
                List<String[]> rows = new ArrayList<>();
                for (ModelRecord m : all) {
                    rows.add(new String[] {m.ref(), m.runName().isEmpty() ? "-" : m.runName() + " (" + m.runId() + ")",
                            size(m.size()), m.sha256().substring(0, 12), metrics(m.metrics()), m.createdAt().toString()});
                }
                Table.print(ctx.out(), new String[] {"Model", "Run", "Size", "Sha256", "Metrics", "Registered"}, rows);
            }
            ctx.out().flush();
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One version of a model (its newest when none is named).")
    static final class Show implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Mixin JsonOption json;
        @Parameters(paramLabel = "NAME[:vN]") String ref;

        Show(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() {
            ModelRecord m = ModelRegistry.open(ctx.fastGpu()).show(ModelRef.parse(ref));
            if (json.json) {
                ctx.out().println(Json.write(json(m)));
            } else {
                var o = ctx.out();
                o.println("Model        " + m.ref());
                o.println("Run          " + (m.runId() == null ? "-" : m.runName() + " (run " + m.runId() + ")"));
                o.println("File         " + Sparkline.text(m.fileName()) + ", " + size(m.size()));
                o.println("Sha256       " + m.sha256());
                o.println("Job file     " + (m.jobHash().isEmpty() ? "-" : "sha256 " + m.jobHash()));
                o.println("Git commit   " + (m.gitCommit().isEmpty() ? "-" : m.gitCommit()));
                o.println("Framework    " + (m.framework().isEmpty() ? "-" : Sparkline.text(m.framework())));
                o.println("Description  " + (m.description().isEmpty() ? "-" : Sparkline.text(m.description())));
                o.println("Metrics      " + (m.metrics().isEmpty() ? "-" : metrics(m.metrics())));
                o.println("Taken from   " + Sparkline.text(m.source()));
                o.println("Registered   " + m.createdAt());
            }
            ctx.out().flush();
            return 0;
        }
    }

    @Command(name = "download", mixinStandardHelpOptions = true,
            description = "Copy a model's file (its newest version when none is named) into a folder, checked against its sha256.")
    static final class Download implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Parameters(paramLabel = "NAME[:vN]") String ref;
        @Option(names = "--out", paramLabel = "DIR", description = "The folder to put it in (default: the current one).") Path out;

        Download(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() {
            ModelRegistry reg = ModelRegistry.open(ctx.fastGpu());
            ModelRecord m = reg.show(ModelRef.parse(ref));
            Path file = reg.download(new ModelRef(m.name(), m.version()), ctx.workDir().resolve(out != null ? out : Path.of(".")));
            ctx.out().println("Downloaded " + m.ref() + " to " + file.normalize() + " (sha256 checked)");
            ctx.out().flush();
            return 0;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a version of a model, or every version when none is named, after asking.")
    static final class Delete implements Callable<Integer> {
        private final CliContext ctx;
        @Mixin GlobalOptions global;
        @Parameters(paramLabel = "NAME[:vN]") String ref;
        @Option(names = {"--yes", "-y"}, description = "Do not ask for confirmation.") boolean yes;

        Delete(CliContext ctx) { this.ctx = ctx; }

        @Override
        public Integer call() {
            ModelRegistry reg = ModelRegistry.open(ctx.fastGpu());
            ModelRef r = ModelRef.parse(ref);
            List<ModelRecord> which = reg.resolve(r);
            String names = which.stream().map(ModelRecord::ref).collect(Collectors.joining(", "));
            if (!yes && !ctx.confirm("Delete " + names + "? (y/N)", false)) {
                ctx.err().println(ctx.terminal() ? "Nothing was deleted."
                        : "Nothing was deleted. Without a terminal to answer on, pass --yes to delete without asking.");
                return 1;
            }
            reg.delete(r);
            ctx.out().println("Deleted " + names);
            ctx.out().flush();
            return 0;
        }
    }

    static Map<String, Object> json(ModelRecord m) {
        return Json.object("name", m.name(), "version", m.version(), "ref", m.ref(), "run_id", m.runId(), "run_name", m.runName(),
                "job_sha256", m.jobHash(), "git_commit", m.gitCommit(), "metrics", m.metrics(), "size", m.size(),
                "sha256", m.sha256(), "file_name", m.fileName(), "framework", m.framework(), "description", m.description(),
                "source", m.source(), "created_at", m.createdAt().toString());
    }

    private static String metrics(Map<String, Double> metrics) {
        return metrics.entrySet().stream().limit(4).map(e -> Sparkline.text(e.getKey()) + "=" + Sparkline.number(e.getValue()))
                .collect(Collectors.joining(" ")) + (metrics.size() > 4 ? " ..." : "");
    }

    private static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(java.util.Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1024.0 / 1024);
    }
}
