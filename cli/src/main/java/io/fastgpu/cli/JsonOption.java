package io.fastgpu.cli;

import picocli.CommandLine.Option;

/**
 * {@code --json}: print JSON for scripts instead of a table. A command can word the help line for what it prints
 * with a {@code json} key in its resource bundle.
 */
public final class JsonOption {
    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;
}
