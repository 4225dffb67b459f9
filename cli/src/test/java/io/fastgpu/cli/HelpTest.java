package io.fastgpu.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Help and usage errors: nothing here touches a machine. */
class HelpTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    @Test
    void topLevelHelpListsEveryCommand() {
        Cli.Result r = cli.run("--help").expectExit(0);

        assertThat(r.out()).startsWith("Usage: fastgpu ");
        assertThat(r.out()).contains("Commands:");
        for (String cmd : new String[]{"launch", "ls", "start", "stop", "kill", "rename", "exec", "ssh", "tmux", "scp", "logs"}) {
            assertThat(r.out()).containsPattern("(?m)^  " + cmd + " ");
        }
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aCommandBuildsTheModelOfItsOwnSubcommandOnly() {
        assertThat(FastGpuCommand.needed(new String[]{"exec", "task0.x", "--", "true"})).containsExactly(ExecCommand.class);
        assertThat(FastGpuCommand.needed(new String[]{"models", "list"})).containsExactly(ModelsCommand.class);
        // Where other commands are read: the usage help, help, completion, a name that is none of them.
        for (String first : new String[]{"--help", "help", "completion", "nope", "-V"}) {
            assertThat(FastGpuCommand.needed(new String[]{first})).as(first).isEqualTo(FastGpuCommand.SUBCOMMANDS);
        }
        assertThat(FastGpuCommand.needed(new String[0])).isEqualTo(FastGpuCommand.SUBCOMMANDS);
        // Every subcommand is one of them, with a name of its own.
        assertThat(FastGpuCommand.SUBCOMMANDS.stream().map(c -> c.getAnnotation(picocli.CommandLine.Command.class).name()))
                .doesNotHaveDuplicates().contains("launch", "exec", "scp", "agent", "help");
        Cli.Result r = cli.run("completion", "bash").expectExit(0);
        assertThat(r.out()).contains("launch").contains("forget-host").contains("models");
    }

    @ParameterizedTest
    @ValueSource(strings = {"launch", "ls", "start", "stop", "kill", "rename", "exec", "ssh", "tmux", "scp", "logs"})
    void everySubcommandHasHelp(String cmd) {
        Cli.Result r = cli.run(cmd, "--help").expectExit(0);

        assertThat(r.out()).startsWith("Usage: fastgpu " + cmd + " ");
        assertThat(r.out()).contains("--help");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void helpCommandShowsTheSameUsage() {
        Cli.Result r = cli.run("help", "scp").expectExit(0);

        assertThat(r.out()).startsWith("Usage: fastgpu scp ").contains("NAME:path");
    }

    @Test
    void helpAndUsageErrorsCreateNoState() {
        cli.run("--help").expectExit(0);
        cli.run("launch").expectExit(2);

        assertThat(cli.home()).doesNotExist();
    }

    @Test
    void noCommandPrintsUsageOnStderrAndExitsTwo() {
        Cli.Result r = cli.run().expectExit(2);

        assertThat(r.err()).startsWith("Usage: fastgpu ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void versionIsPrinted() {
        Cli.Result r = cli.run("--version").expectExit(0);

        assertThat(r.out()).startsWith("fastgpu ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            frobnicate                       | Unmatched argument at index 0: 'frobnicate' | fastgpu
            ls --frob                        | Unknown option: '--frob'                    | fastgpu ls
            launch                           | Missing required parameter: 'FILE_OR_DIR'   | fastgpu launch
            rename task0.a                   | Missing required parameter: 'NEW'           | fastgpu rename
            exec task0.a                     | Missing required parameter: 'CMD'           | fastgpu exec
            scp onlyone                      | Missing required parameter: 'DST'           | fastgpu scp
            """)
    void usageErrorsExitTwoWithOneErrorLine(String commandLine, String message, String command) {
        Cli.Result r = cli.run(commandLine.split(" ")).expectExit(2);

        assertThat(r.errLines()).containsExactly("error: " + message, "Try '" + command + " --help' for usage.");
        assertThat(r.out()).isEmpty();
    }
}
