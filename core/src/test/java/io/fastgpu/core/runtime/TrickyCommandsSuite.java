package io.fastgpu.core.runtime;

import io.fastgpu.api.ExecResult;
import io.fastgpu.api.JobOptions;
import io.fastgpu.api.Task;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Commands reach bash verbatim: what bash would print and return is what the task returns, on every
 * backend. A backend's test extends this and says how to make a job there.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class TrickyCommandsSuite {
    @TempDir static Path home; // static: injected before @BeforeAll
    FastGpu fg;
    Task task;

    /** The job options that put a job named {@code name} on the backend under test (skip if unavailable). */
    protected abstract JobOptions job(String name, Path home);

    /** Settings the backend under test needs (credentials and endpoints of a cloud); none by default. */
    protected java.util.Map<String, String> settings() { return java.util.Map.of(); }

    @BeforeAll
    void setUp() {
        fg = FastGpu.builder().home(home).settings(settings()).confirmer(q -> true).build();
        task = fg.makeJob(job("tricky", home)).task(0);
    }

    @AfterAll
    void tearDown() {
        try {
            if (fg == null) return;
            if (task != null) task.kill();
            fg.close();
        } finally {
            afterSuite();
        }
    }

    /** Called last, after the suite's machine is gone: stop what the backend under test needed. */
    protected void afterSuite() { }

    static Stream<Arguments> commands() {
        return Stream.of(
                arguments("echo hello", "hello\n", 0),
                arguments("echo \"a # b\"", "a # b\n", 0),
                arguments("echo a # a comment", "a\n", 0),
                arguments("echo 'it'\"'\"'s'", "it's\n", 0),
                arguments("echo $((6*7))", "42\n", 0),
                arguments("true && echo yes", "yes\n", 0),
                arguments("false || echo no", "no\n", 0),
                arguments("echo one; echo two", "one\ntwo\n", 0),
                arguments("printf 'x\\ty\\n' | tr '\\t' ,", "x,y\n", 0),
                arguments("cat <<'EOF'\n$NOT_EXPANDED `nor this`\nEOF", "$NOT_EXPANDED `nor this`\n", 0),
                arguments("X=in; cat <<EOF\nvalue $X\nEOF", "value in\n", 0),
                arguments("for i in 1 2 3; do\n  echo $i\ndone", "1\n2\n3\n", 0),
                arguments("(sleep 0.2; echo late) & echo early; wait", "early\nlate\n", 0),
                arguments("echo héllo 数据 🚀", "héllo 数据 🚀\n", 0),
                arguments("exit 3", "", 3),
                arguments("echo out; echo err >&2; exit 5", "out\n", 5),
                arguments("echo -n no-newline", "no-newline", 0),
                arguments("echo \"$(echo nested \"$(echo deep)\")\"", "nested deep\n", 0),
                arguments("echo 'a\\b'", "a\\b\n", 0),
                arguments("f() { echo \"fn:$1\"; }; f arg", "fn:arg\n", 0),
                arguments("echo '&&' '||' ';' '|' '&'", "&& || ; | &\n", 0),
                arguments("set -- a b c; echo $#", "3\n", 0),
                arguments("echo ${UNSET_FOR_SURE:-default}", "default\n", 0),
                arguments("false", "", 1),
                arguments("cat", "", 0),
                arguments("echo \"tab\there\"", "tab\there\n", 0),
                arguments("[ 1 -lt 2 ] && { echo group; }", "group\n", 0),
                arguments("echo a\\\n  b", "a b\n", 0),
                arguments("seq 1 5 | paste -sd+ | bc 2>/dev/null || echo 15", "15\n", 0));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("commands")
    void runsVerbatim(String command, String expectedStdout, int expectedExit) {
        ExecResult r = task.runWithOutput(command);
        assertThat(r.stdout()).isEqualTo(expectedStdout);
        assertThat(r.exitCode()).isEqualTo(expectedExit);
    }

    @Test
    void stderrIsKeptApart() {
        ExecResult r = task.runWithOutput("echo out; echo err >&2");
        assertThat(r.stdout()).isEqualTo("out\n");
        assertThat(r.stderr()).isEqualTo("err\n");
    }

    @Test
    void veryLongOutputArrivesWhole() {
        ExecResult r = task.runWithOutput("seq 1 300000; seq 1 1000 >&2");
        assertThat(r.exitCode()).isZero();
        String[] lines = r.stdout().split("\n");
        assertThat(lines).hasSize(300000);
        assertThat(lines[0]).isEqualTo("1");
        assertThat(lines[299999]).isEqualTo("300000");
        assertThat(r.stderr().split("\n")).hasSize(1000);
    }

    @Test
    void aVeryLongCommandRuns() {
        String big = "x".repeat(300_000);
        ExecResult r = task.runWithOutput("v='" + big + "'; echo ${#v}");
        assertThat(r.stdout()).isEqualTo("300000\n");
    }
}
