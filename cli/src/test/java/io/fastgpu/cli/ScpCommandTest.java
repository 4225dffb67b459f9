package io.fastgpu.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fastgpu scp}: files and folders both ways between the working folder and an instance. */
class ScpCommandTest {
    @TempDir Path tmp;
    Cli cli;

    @BeforeEach
    void setUp() {
        cli = new Cli(tmp);
        cli.run("launch", cli.job("box", """
                name: box
                after: keep
                steps: [{name: prepare, run: mkdir -p inbox && echo made-remotely > made.txt}]
                """)).expectExit(0);
    }

    @AfterEach
    void cleanUp() { cli.killAll(); }

    /** The contents of a file on the instance, through {@code exec --raw}. */
    private String remote(String path) {
        return cli.run("exec", "--raw", "task0.box", "--", "cat '" + path + "'").expectExit(0).out();
    }

    @Test
    void copiesALocalFileIntoARemoteFolder() {
        cli.write("local.txt", "from here\n");

        Cli.Result r = cli.run("scp", "local.txt", "task0.box:inbox/").expectExit(0);

        assertThat(r.outLines()).containsExactly("copied local.txt to task0.box:inbox/");
        assertThat(remote("inbox/local.txt")).isEqualTo("from here\n");
    }

    @Test
    void copiesALocalFileToAnExactRemotePath() {
        cli.write("local.txt", "renamed on the way\n");

        cli.run("scp", "local.txt", "task0.box:inbox/other.txt").expectExit(0);

        assertThat(remote("inbox/other.txt")).isEqualTo("renamed on the way\n");
    }

    @Test
    void copiesARemoteFileIntoALocalFolder() throws Exception {
        Files.createDirectories(cli.workDir().resolve("dl"));

        Cli.Result r = cli.run("scp", "task0.box:made.txt", "dl").expectExit(0);

        assertThat(cli.workDir().resolve("dl/made.txt")).hasContent("made-remotely");
        assertThat(r.out()).startsWith("copied task0.box:made.txt to ");
    }

    @Test
    void copiesAFolderThereAndBack() {
        cli.write("tree/a.txt", "A\n");
        cli.write("tree/sub/b.txt", "B\n");

        cli.run("scp", "tree", "task0.box:").expectExit(0);
        assertThat(remote("tree/sub/b.txt")).isEqualTo("B\n");

        cli.run("scp", "task0.box:tree", "back").expectExit(0);
        assertThat(cli.workDir().resolve("back/a.txt")).hasContent("A");
        assertThat(cli.workDir().resolve("back/sub/b.txt")).hasContent("B");
    }

    @Test
    void uploadsToEveryInstanceOfAJobAndDownloadsFromOneOnly() {
        cli.run("launch", cli.job("pair", "name: pair\nmachines: 2\nafter: keep\nsteps: [{name: a, run: 'true'}]\n")).expectExit(0);
        cli.write("tree/a.txt", "A\n");

        Cli.Result r = cli.run("scp", "tree", "{pair}:in").expectExit(0);

        assertThat(r.outLines()).containsExactlyInAnyOrder("copied tree to task0.pair:in", "copied tree to task1.pair:in");
        for (String t : new String[]{"task0.pair", "task1.pair"}) {
            assertThat(cli.run("exec", "--raw", t, "--", "cat in/tree/a.txt 2>/dev/null || cat in/a.txt").expectExit(0).out())
                    .isEqualTo("A\n");
        }
        assertThat(cli.run("scp", "{pair}:in", "back").expectExit(2).err().strip())
                .isEqualTo("error: scp downloads from one instance, not '{pair}'; name one, e.g. task0.pair:in");
    }

    @Test
    void bothSidesLocalIsAUsageError() {
        cli.write("a.txt", "a\n");

        Cli.Result r = cli.run("scp", "a.txt", "b.txt").expectExit(2);

        assertThat(r.errLines()).containsExactly(
                "error: scp needs exactly one side written as NAME:path, got 'a.txt' and 'b.txt'");
        assertThat(cli.workDir().resolve("b.txt")).doesNotExist();
    }

    @Test
    void bothSidesRemoteIsAUsageError() {
        cli.run("scp", "task0.box:made.txt", "task0.box:copy.txt").expectExit(2);
    }

    @Test
    void aMissingRemoteFileFails() {
        Cli.Result r = cli.run("scp", "task0.box:nothing.txt", "dl").expectExit(1);

        assertThat(r.err()).contains("nothing.txt does not exist; nothing to download");
    }

    @Test
    void aMissingLocalFileFails() {
        Cli.Result r = cli.run("scp", "nothing.txt", "task0.box:inbox/").expectExit(2);

        assertThat(r.err()).contains("'nothing.txt' does not exist");
    }
}
