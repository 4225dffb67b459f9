package io.fastgpu.cli;

import picocli.CommandLine.Parameters;

/** The NAME of commands that act on instances: one instance, or {@code {suffix}} for every one ending with it. */
public final class InstanceName {
    @Parameters(paramLabel = "NAME", description = "Instance name, or {suffix} for every instance ending with it.")
    String name;
}
