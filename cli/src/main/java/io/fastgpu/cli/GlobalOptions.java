package io.fastgpu.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
public final class GlobalOptions {
    @Option(names = "--stacktrace", description = "Show the full stack trace of an error.")
    boolean stacktrace;
}
