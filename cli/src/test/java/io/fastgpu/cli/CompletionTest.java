package io.fastgpu.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu completion bash|zsh}: a script bash sources, which completes commands and their options. */
class CompletionTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() { cli = new Cli(tmp); }

    /** Runs {@code script} in a non-interactive bash after sourcing the completion script; its output. */
    private String bash(Path completion, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(List.of("bash", "-c", "source \"$1\" || exit 9\n" + script, "bash", completion.toString()))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void bashSourcesTheScriptAndCompletesCommandsAndOptions() throws Exception {
        Cli.Result r = cli.run("completion", "bash").expectExit(0);
        Path script = Files.writeString(tmp.resolve("fastgpu.bash"), r.out());

        assertThat(bash(script, "complete -p fastgpu")).startsWith("complete ").endsWith(" fastgpu\n");
        String function = bash(script, "complete -p fastgpu").replaceFirst("(?s).*-F (\\S+).*", "$1");
        assertThat(bash(script, "COMP_WORDS=(fastgpu l); COMP_CWORD=1; COMP_LINE='fastgpu l'; COMP_POINT=9; " + function
                + "; printf '%s\\n' \"${COMPREPLY[@]}\"").lines()).contains("launch", "ls", "logs");
        assertThat(bash(script, "COMP_WORDS=(fastgpu ls --j); COMP_CWORD=2; COMP_LINE='fastgpu ls --j'; COMP_POINT=14; "
                + function + "; printf '%s\\n' \"${COMPREPLY[@]}\"").lines()).containsExactly("--json");
        assertThat(r.err()).isEmpty();
    }

    @Test
    void zshGetsTheScriptThatRunsThroughBashcompinit() {
        Cli.Result r = cli.run("completion", "zsh").expectExit(0);

        assertThat(r.out()).contains("bashcompinit").contains("complete -F");
    }

    @Test
    void anotherShellIsAUsageError() {
        Cli.Result r = cli.run("completion", "fish").expectExit(2);

        assertThat(r.err()).contains("Invalid value for positional parameter at index 0 (SHELL): expected one of [bash, zsh]");
    }
}
