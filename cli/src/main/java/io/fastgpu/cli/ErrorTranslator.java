package io.fastgpu.cli;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.api.InvalidSpecException;
import picocli.CommandLine;

/** The one place errors become what the user reads: one line, and the stack trace only on request. */
final class ErrorTranslator implements CommandLine.IExecutionExceptionHandler {
    private final CliContext ctx;

    ErrorTranslator(CliContext ctx) { this.ctx = ctx; }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
        boolean trace = parsed.expandedArgs().contains("--stacktrace");
        String message = ex instanceof FastGpuException ? ex.getMessage()
                : ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (this is a bug; rerun with --stacktrace and report it)";
        ctx.renderer().finish();
        ctx.err().println(ctx.style().red("error: ") + message);
        if (trace) ex.printStackTrace(ctx.err());
        ctx.err().flush();
        return ex instanceof InvalidSpecException ? CommandLine.ExitCode.USAGE : 1;
    }
}
