package io.fastgpu.cli;

import io.fastgpu.api.InvalidSpecException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code fastgpu rename OLD NEW}. */
@Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename an instance.")
final class RenameCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Parameters(index = "0", paramLabel = "OLD") String oldName;

    @Parameters(index = "1", paramLabel = "NEW") String newName;

    RenameCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        if (!newName.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,127}")) {
            throw new InvalidSpecException("new name '" + newName + "' is invalid: use letters, digits, '.', '_' and '-'");
        }
        var s = InstanceSelector.one(ctx.fastGpu(), oldName);
        s.provider().rename(s.instance().id(), newName);
        ctx.out().println("renamed " + oldName + " to " + newName);
        return 0;
    }
}
