package io.fastgpu.cli;

import io.fastgpu.core.spi.facet.MachineCatalog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code fastgpu queryimage}: the public images of the region. */
@Command(name = "queryimage", mixinStandardHelpOptions = true,
        description = "List the public images of the region (use a name, or the start of one, as image_name).")
final class QueryImageCommand implements Callable<Integer> {
    private final CliContext ctx;

    @Mixin GlobalOptions global;

    @Option(names = "--name", paramLabel = "TEXT", description = "Only images whose name contains TEXT.")
    String filter;

    @Mixin JsonOption output;

    QueryImageCommand(CliContext ctx) { this.ctx = ctx; }

    @Override
    public Integer call() {
        List<MachineCatalog.Image> images = Facets.require(ctx, MachineCatalog.class, "queryimage").images().stream()
                .filter(i -> filter == null || i.name().contains(filter) || i.id().contains(filter)).toList();
        if (output.json) {
            ctx.out().println(Json.list(images.stream().map(i -> Json.object("id", i.id(), "name", i.name(), "os", i.os(),
                    "size_gb", i.sizeGb(), "created", i.created())).toList()));
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        for (MachineCatalog.Image i : images) rows.add(new String[]{i.name(), i.id(), i.os(), i.sizeGb() + " GB", i.created()});
        Table.print(ctx.out(), new String[]{"Image Name", "Image Id", "OS", "Size", "Created"}, rows);
        return 0;
    }
}
