package io.fastgpu.cli;

import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.state.RunRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code fastgpu logs RUN [-f]}: the output of a launch, kept on this machine. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a run's output (its latest launch when a run name is given); -f follows it while it runs.")
final class LogsCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "RUN", description = "Run name, log folder name (gtc-demo.01) or run id.")
    String run;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the run ends.")
    boolean follow;

    LogsCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() throws IOException, InterruptedException {
        var state = ctx.fastGpu().state();
        Optional<RunRecord> found = run.matches("\\d+") ? state.run(Long.parseLong(run)) : state.latestRun(run);
        RunRecord r = found.orElseThrow(() -> new NotFoundException("no run '" + run + "'; runs are named after their job"
                + " (or run_name); 'fastgpu launch' records them"));
        Path log = Path.of(r.localLog());
        long offset = 0;
        while (true) {
            offset = copy(log, offset);
            if (!follow) break;
            RunRecord now = state.run(r.id()).orElse(r);
            if (!"running".equals(now.status())) {
                copy(log, offset);
                break;
            }
            Thread.sleep(200);
        }
        return 0;
    }

    private long copy(Path log, long offset) throws IOException {
        if (!Files.exists(log)) return offset;
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            if (f.length() <= offset) return offset;
            f.seek(offset);
            byte[] buf = new byte[(int) Math.min(f.length() - offset, 1 << 24)];
            f.readFully(buf);
            ctx.out().print(new String(buf, StandardCharsets.UTF_8));
            ctx.out().flush();
            return offset + buf.length;
        }
    }
}
