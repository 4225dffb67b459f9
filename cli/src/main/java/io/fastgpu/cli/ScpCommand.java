package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code fastgpu scp SRC DST}: copy files between this machine and an instance. */
@Command(name = "scp", mixinStandardHelpOptions = true,
        description = {"Copy files and folders between this machine and an instance.",
                "One side is NAME:path (relative to the instance's home), e.g.",
                "  fastgpu scp ./data task0.bert:data      fastgpu scp task0.bert:model.pth .",
                "An upload may go to every instance of a job at once: fastgpu scp ./data '{bert}':data",
                "Files already there with the same size and modification time are not sent again."})
final class ScpCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(index = "0", paramLabel = "SRC") String src;

    @Parameters(index = "1", paramLabel = "DST") String dst;

    ScpCommand(CliContext ctx) { this.ctx = ctx; }

    /** {@code NAME:path}; a local path with a colon can be written as ./a:b. */
    private record Remote(String instance, String path) {
        static Remote parse(String s) {
            int colon = s.indexOf(':');
            if (colon <= 0 || s.startsWith("./") || s.startsWith("/")) return null;
            return new Remote(s.substring(0, colon), s.substring(colon + 1));
        }
    }

    @Override
    public Integer call() {
        Remote from = Remote.parse(src);
        Remote to = Remote.parse(dst);
        if ((from == null) == (to == null)) {
            throw new InvalidSpecException("scp needs exactly one side written as NAME:path, got '" + src + "' and '" + dst + "'");
        }
        var fg = ctx.fastGpu();
        if (to != null) {
            // {job}: every instance of the job, side by side.
            var targets = to.instance().startsWith("{") ? InstanceSelector.select(fg, to.instance())
                    : java.util.List.of(InstanceSelector.one(fg, to.instance()));
            // The local tree is walked once, whatever the number of instances it goes to.
            var selection = fg.select(src);
            var outcomes = io.fastgpu.core.util.Parallel.each(targets, s -> {
                fg.task(s.provider(), s.instance()).upload(selection, to.path().isEmpty() ? null : to.path(), false);
                synchronized (ctx.out()) {
                    ctx.out().println("copied " + src + " to " + s.instance().name() + ":" + to.path());
                }
                return null;
            });
            // Bad input (a local path that does not exist) is the same for every instance: said once, as a usage error.
            for (var o : outcomes) if (o.error() instanceof InvalidSpecException bad) throw bad;
            if (targets.size() == 1 && !outcomes.get(0).ok()) throw outcomes.get(0).error();
            java.util.List<String> failed = new java.util.ArrayList<>();
            for (var o : outcomes) {
                if (o.ok()) continue;
                String name = o.item().instance().name();
                String m = String.valueOf(o.error().getMessage());
                failed.add(m.startsWith(name) ? m : name + ": " + m);
            }
            failed.stream().sorted().forEach(f -> ctx.err().println(ctx.style().red("error: ") + f));
            return failed.isEmpty() ? 0 : 1;
        } else {
            if (from.instance().startsWith("{")) {
                throw new InvalidSpecException("scp downloads from one instance, not '" + from.instance() + "'; name one,"
                        + " e.g. task0." + from.instance().replaceAll("[{}]", "") + ":" + from.path());
            }
            var s = InstanceSelector.one(fg, from.instance());
            Path local = ctx.workDir().resolve(dst);
            if (java.nio.file.Files.isDirectory(local)) {
                local = local.resolve(Path.of(from.path()).getFileName().toString());
            }
            fg.task(s.provider(), s.instance()).download(from.path(), local);
            ctx.out().println("copied " + s.instance().name() + ":" + from.path() + " to " + local);
        }
        return 0;
    }
}
