package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.NotFoundException;
import io.fastgpu.core.state.RunRecord;
import io.fastgpu.core.state.StateStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code fastgpu logs RUN [-f]}: the output of a launch, kept on this machine, however long. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a run's output (its latest launch when a run name is given); -f follows it while it runs.")
final class LogsCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 200;

    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(paramLabel = "RUN", description = "Run name, log folder name (gtc-demo.01) or run id.")
    String run;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the run ends.")
    boolean follow;

    LogsCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<io.fastgpu.core.managed.ManagedRun> managed = new io.fastgpu.core.managed.ManagedRuns(ctx.home()).find(run);
        if (managed.isPresent()) {
            if (follow) return RunFollower.follow(ctx, managed.get(), 0);
            LogCopier copier = new LogCopier(managed.get().runLog(), ctx.out());
            copier.copyNew();
            copier.finish();
            return 0;
        }
        StateStore state = ctx.fastGpu().state();
        Optional<RunRecord> found = run.matches("\\d+") ? state.run(Long.parseLong(run)) : state.latestRun(run);
        RunRecord r = found.orElseThrow(() -> new NotFoundException("no run '" + run + "'; runs are named after their job"
                + " (or run_name); 'fastgpu launch' records them"));
        try {
            new io.fastgpu.core.metrics.RunMetrics(ctx.fastGpu()).collect(r); // a client looking: what the machines kept comes in
        } catch (RuntimeException e) {
            // the log is what was asked for; metrics wait for the next look
        }
        if (r.localLog() == null) {
            throw new FastGpuException("run " + r.id() + " (" + r.runName() + ") kept no log on this machine");
        }
        Path log = Path.of(r.localLog());
        if (!follow && !Files.exists(log)) {
            throw new NotFoundException("the log of run " + r.id() + " (" + r.runName() + "), " + log
                    + ", is gone; it was deleted from the FastGPU home");
        }
        LogCopier copier = new LogCopier(log, ctx.out());
        copier.copyNew();
        if (follow) {
            while (RunRecord.RUNNING.equals(state.run(r.id()).orElse(r).status())) {
                Thread.sleep(POLL_MILLIS);
                copier.copyNew();
            }
            copier.copyNew(); // what it wrote as it ended
        }
        copier.finish();
        return 0;
    }

    /**
     * Copies a growing UTF-8 file to a writer from where it last stopped, a fixed-size piece at a time, so a log of
     * any length takes the same memory, and a character split between two pieces or two reads is printed whole.
     */
    static final class LogCopier {
        private static final int PIECE = 64 * 1024;

        private final Path log;
        private final PrintWriter out;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
        /** Bytes read and not yet decoded: at most the start of one character between calls. */
        private final ByteBuffer bytes = ByteBuffer.allocate(PIECE);
        private final CharBuffer chars = CharBuffer.allocate(PIECE);
        private long offset;

        LogCopier(Path log, PrintWriter out) {
            this.log = log;
            this.out = out;
        }

        /** Prints what was added to the log since the last call, up to its current end; nothing while it is absent. */
        void copyNew() throws IOException {
            try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
                for (int n; (n = ch.read(bytes, offset)) > 0; ) {
                    offset += n;
                    bytes.flip();
                    decode(false);
                    bytes.compact();
                }
            } catch (NoSuchFileException e) {
                // not written yet
            }
            out.flush();
        }

        /** Prints what is left: a character the log ended in the middle of, as a replacement character. */
        void finish() {
            bytes.flip();
            decode(true);
            while (decoder.flush(chars).isOverflow()) {
                drain();
            }
            drain();
            bytes.clear();
            out.flush();
        }

        private void decode(boolean endOfInput) {
            CoderResult result;
            do {
                result = decoder.decode(bytes, chars, endOfInput);
                drain();
            } while (result.isOverflow());
        }

        private void drain() {
            chars.flip();
            out.write(chars.array(), chars.arrayOffset() + chars.position(), chars.remaining());
            chars.clear();
        }
    }
}
