package io.fastgpu.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastgpu.core.files.FileSelection.Selection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSelectionTest {

    @TempDir
    Path base;

    @Test
    void fileIsCopiedUnderItsOwnNameAsASingleFile() throws IOException {
        Path file = write("a/b.txt", "hello");

        Selection selection = FileSelection.select(base, "a/b.txt");

        assertThat(selection.single()).isTrue();
        assertThat(selection.files()).containsExactly(new FileCopy(file, "b.txt", 5));
        assertThat(selection.emptyDirs()).isEmpty();
        assertThat(selection.ignoredCount()).isZero();
    }

    @Test
    void explicitlyNamedFileIsCopiedEvenIfIgnored() throws IOException {
        write(".gitignore", "*.log\n");
        write("run.log", "x");

        Selection selection = FileSelection.select(base, "run.log");

        assertThat(relatives(selection)).containsExactly("run.log");
    }

    @Test
    void absoluteFileSpecIgnoresTheBase(@TempDir Path elsewhere) throws IOException {
        Path file = Files.writeString(elsewhere.resolve("config.yaml"), "a: 1");

        Selection selection = FileSelection.select(base, file.toString());

        assertThat(selection.files()).containsExactly(new FileCopy(file, "config.yaml", 4));
    }

    @Test
    void folderIsCopiedWholeUnderItsNameInSortedOrder() throws IOException {
        write("GTC/run.sh", "#!/bin/sh");
        write("GTC/data/x.png", "png");
        write("GTC/data/a.png", "png");
        write("GTC/README.md", "# GTC");
        write("other.txt", "not selected");

        Selection selection = FileSelection.select(base, "GTC");

        assertThat(selection.single()).isFalse();
        assertThat(relatives(selection)).containsExactly("GTC/README.md", "GTC/data/a.png", "GTC/data/x.png", "GTC/run.sh");
        assertThat(selection.files()).first().satisfies(copy -> {
            assertThat(copy.local()).isEqualTo(base.resolve("GTC/README.md"));
            assertThat(copy.size()).isEqualTo(5);
        });
        assertThat(selection.emptyDirs()).isEmpty();
        assertThat(selection.ignoredCount()).isZero();
    }

    @Test
    void folderAppliesItsOwnIgnoreRulesAndCountsWhatItLeftOut() throws IOException {
        write("GTC/.gitignore", "*.pyc\n__pycache__/\n!keep.pyc\n");
        write("GTC/train.py", "print()");
        write("GTC/train.pyc", "bytecode");
        write("GTC/keep.pyc", "bytecode");
        write("GTC/__pycache__/a.pyc", "bytecode");
        write("GTC/__pycache__/b.pyc", "bytecode");
        write("GTC/.git/HEAD", "ref: refs/heads/main");
        write("GTC/.git/config", "[core]");

        Selection selection = FileSelection.select(base, "GTC");

        assertThat(relatives(selection)).containsExactly("GTC/.gitignore", "GTC/keep.pyc", "GTC/train.py");
        // train.pyc, __pycache__ and .git; each ignored folder counts once.
        assertThat(selection.ignoredCount()).isEqualTo(3);
    }

    @Test
    void folderUsesFastgpuignoreOverGitignore() throws IOException {
        write("proj/.fastgpuignore", "data/\n");
        write("proj/.gitignore", "*.py\n");
        write("proj/train.py", "print()");
        write("proj/data/big.bin", "0000");

        Selection selection = FileSelection.select(base, "proj");

        assertThat(relatives(selection)).containsExactly("proj/.fastgpuignore", "proj/.gitignore", "proj/train.py");
        assertThat(selection.ignoredCount()).isEqualTo(1);
    }

    @Test
    void folderHonoursNestedGitignoreFiles() throws IOException {
        write("proj/.gitignore", "*.tmp\n");
        write("proj/sub/.gitignore", "/cache/\n");
        write("proj/sub/cache/x", "x");
        write("proj/cache/y", "y");
        write("proj/sub/a.tmp", "t");

        Selection selection = FileSelection.select(base, "proj");

        assertThat(relatives(selection)).containsExactly("proj/.gitignore", "proj/cache/y", "proj/sub/.gitignore");
        assertThat(selection.ignoredCount()).isEqualTo(2);
    }

    @Test
    void emptyFoldersAreListedDeepestOnly() throws IOException {
        write("GTC/run.sh", "x");
        Files.createDirectories(base.resolve("GTC/outputs"));
        Files.createDirectories(base.resolve("GTC/a/b/c"));
        write("GTC/logs/.gitignore", "*\n");

        Selection selection = FileSelection.select(base, "GTC");

        // logs keeps no file (its .gitignore ignores everything, itself included) but the folder is still created.
        assertThat(selection.emptyDirs()).containsExactly("GTC/a/b/c", "GTC/logs", "GTC/outputs");
        assertThat(relatives(selection)).containsExactly("GTC/run.sh");
        assertThat(selection.ignoredCount()).isEqualTo(1);
    }

    @Test
    void emptyFolderSelectsItself() throws IOException {
        Files.createDirectories(base.resolve("empty"));

        Selection selection = FileSelection.select(base, "empty");

        assertThat(selection.files()).isEmpty();
        assertThat(selection.emptyDirs()).containsExactly("empty");
    }

    @Test
    void dotSelectsTheBaseFolderUnderItsName() throws IOException {
        write("train.py", "x");

        Selection selection = FileSelection.select(base, ".");

        assertThat(relatives(selection)).containsExactly(base.getFileName() + "/train.py");
    }

    @Test
    void globSelectsMatchesRelativeToItsLastLiteralFolder() throws IOException {
        write("data/x.csv", "1");
        write("data/y.csv", "2");
        write("data/z.txt", "3");
        write("data/sub/w.csv", "4");

        Selection selection = FileSelection.select(base, "data/*.csv");

        assertThat(relatives(selection)).containsExactly("x.csv", "y.csv");
        assertThat(selection.files()).extracting(FileCopy::local)
                .containsExactly(base.resolve("data/x.csv"), base.resolve("data/y.csv"));
        assertThat(selection.single()).isFalse();
    }

    @Test
    void globstarMatchesAtAnyDepth() throws IOException {
        write("src/a.py", "a");
        write("src/pkg/mod.py", "m");
        write("src/pkg/sub/deep.py", "d");
        write("src/pkg/notes.md", "n");
        write("tests/t.py", "t");

        Selection selection = FileSelection.select(base, "src/**/*.py");

        assertThat(relatives(selection)).containsExactly("a.py", "pkg/mod.py", "pkg/sub/deep.py");
    }

    @Test
    void globWithQuestionMarkAndClass() throws IOException {
        write("runs/run1.log", "1");
        write("runs/run2.log", "2");
        write("runs/run3.log", "3");
        write("runs/run10.log", "10");

        assertThat(relatives(FileSelection.select(base, "runs/run?.log")))
                .containsExactly("run1.log", "run2.log", "run3.log");
        assertThat(relatives(FileSelection.select(base, "runs/run[12].log"))).containsExactly("run1.log", "run2.log");
        assertThat(relatives(FileSelection.select(base, "runs/run[!12].log"))).containsExactly("run3.log");
    }

    @Test
    void globMatchingFoldersCopiesThemWholeUnderTheirNames() throws IOException {
        write("runs/exp1/config.yaml", "c");
        write("runs/exp1/ckpt/model.pt", "m");
        write("runs/exp2/config.yaml", "c");
        Files.createDirectories(base.resolve("runs/exp3"));
        write("runs/other/config.yaml", "c");

        Selection selection = FileSelection.select(base, "runs/exp*");

        assertThat(relatives(selection))
                .containsExactly("exp1/ckpt/model.pt", "exp1/config.yaml", "exp2/config.yaml");
        assertThat(selection.emptyDirs()).containsExactly("exp3");
        assertThat(relatives(FileSelection.select(base, "runs/*/config.yaml")))
                .containsExactly("exp1/config.yaml", "exp2/config.yaml", "other/config.yaml");
    }

    @Test
    void globAtTheBaseAppliesTheBaseIgnoreRules() throws IOException {
        write(".gitignore", "venv/\nscratch_*.py\n");
        write("train.py", "t");
        write("scratch_1.py", "s");
        write("venv/lib/site.py", "v");
        write("pkg/util.py", "u");

        Selection selection = FileSelection.select(base, "**/*.py");

        assertThat(relatives(selection)).containsExactly("pkg/util.py", "train.py");
        assertThat(selection.ignoredCount()).as("scratch_1.py; venv/ is pruned without matching").isEqualTo(1);
    }

    @Test
    void absoluteGlob() throws IOException {
        write("data/x.csv", "1");

        Selection selection = FileSelection.select(Path.of("/nonexistent"), base.resolve("data") + "/*.csv");

        assertThat(selection.files()).extracting(FileCopy::local, FileCopy::relative, FileCopy::size)
                .containsExactly(tuple(base.resolve("data/x.csv"), "x.csv", 1L));
        assertThat(selection.files().get(0).modifiedMillis()).isEqualTo(Files.getLastModifiedTime(base.resolve("data/x.csv")).toMillis());
    }

    @Test
    void namesWithSpacesAndNonAsciiLetters() throws IOException {
        write("données/été 1.txt", "soleil");
        write("données/sous dossier/hiver 2.txt", "neige");
        write("数据.csv", "1,2");
        write("数据 2.csv", "3,4");

        assertThat(relatives(FileSelection.select(base, "données")))
                .containsExactly("données/sous dossier/hiver 2.txt", "données/été 1.txt");
        assertThat(relatives(FileSelection.select(base, "données/été 1.txt"))).containsExactly("été 1.txt");
        assertThat(relatives(FileSelection.select(base, "données/été *.txt"))).containsExactly("été 1.txt");
        assertThat(relatives(FileSelection.select(base, "数据*.csv"))).containsExactly("数据 2.csv", "数据.csv");
        assertThat(FileSelection.select(base, "数据.csv").files()).singleElement()
                .satisfies(copy -> assertThat(copy.size()).isEqualTo("1,2".getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void existingNameWithGlobCharactersIsTakenLiterally() throws IOException {
        write("weights[final].pt", "w");
        write("weightsf.pt", "other");

        Selection selection = FileSelection.select(base, "weights[final].pt");

        assertThat(relatives(selection)).containsExactly("weights[final].pt");
        assertThat(selection.single()).isTrue();
    }

    @Test
    void symlinkedFilesAreFollowedAndSymlinkedFoldersSkipped(@TempDir Path elsewhere) throws IOException {
        Path target = Files.writeString(elsewhere.resolve("shared.txt"), "shared");
        Files.createDirectories(elsewhere.resolve("bigdir"));
        Files.writeString(elsewhere.resolve("bigdir/huge.bin"), "0000");
        write("proj/main.py", "m");
        try {
            Files.createSymbolicLink(base.resolve("proj/shared.txt"), target);
            Files.createSymbolicLink(base.resolve("proj/bigdir"), elsewhere.resolve("bigdir"));
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("symbolic links are not supported here: " + e);
        }

        Selection selection = FileSelection.select(base, "proj");

        assertThat(relatives(selection)).containsExactly("proj/main.py", "proj/shared.txt");
        assertThat(selection.files()).filteredOn(copy -> copy.relative().equals("proj/shared.txt"))
                .singleElement().satisfies(copy -> assertThat(copy.size()).isEqualTo(6));
        assertThat(selection.ignoredCount()).isEqualTo(1);
        assertThat(selection.emptyDirs()).isEmpty();
    }

    @Test
    void everySkippedLinkIsListedWithItsReason(@TempDir Path elsewhere) throws IOException {
        Files.createDirectories(elsewhere.resolve("bigdir"));
        write("proj/main.py", "m");
        Path proj = base.resolve("proj");
        try {
            Files.createSymbolicLink(proj.resolve("bigdir"), elsewhere.resolve("bigdir"));
            Files.createSymbolicLink(proj.resolve("loop"), proj.resolve("loop"));
            Files.createSymbolicLink(proj.resolve("dangling"), Path.of("gone.txt"));
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("symbolic links are not supported here: " + e);
        }

        Selection selection = FileSelection.select(base, "proj");

        assertThat(relatives(selection)).containsExactly("proj/main.py");
        assertThat(selection.ignoredCount()).isEqualTo(3);
        assertThat(selection.skipped()).extracting(FileSelection.Skipped::message).containsExactly(
                "skipped " + proj.resolve("bigdir") + ": a link to a folder (" + elsewhere.resolve("bigdir")
                        + "); links to folders are not followed: upload it as {from: " + elsewhere.resolve("bigdir").toRealPath()
                        + ", to: ...}",
                "skipped " + proj.resolve("dangling") + ": a dangling link (to gone.txt, which does not exist)",
                "skipped " + proj.resolve("loop") + ": a link that loops (" + proj.resolve("loop") + ")");
    }

    @Test
    void aPlainJobFilePathMustStayInsideTheJobFolder(@TempDir Path elsewhere) throws IOException {
        write("job/code/a.py", "a");
        Files.writeString(elsewhere.resolve("secret.txt"), "s");
        Path job = base.resolve("job");
        try {
            Files.createSymbolicLink(job.resolve("out"), elsewhere);
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("symbolic links are not supported here: " + e);
        }

        assertThat(relatives(FileSelection.select(job, UploadSpec.inJobFolder("code")))).containsExactly("code/a.py");
        assertThat(relatives(FileSelection.select(job, UploadSpec.inJobFolder("code/../code/*.py")))).containsExactly("a.py");
        assertThat(relatives(FileSelection.select(job, UploadSpec.inJobFolder(job.resolve("code").toString()))))
                .containsExactly("code/a.py");
        Path alias = Files.createSymbolicLink(elsewhere.resolve("alias"), job);
        assertThat(relatives(FileSelection.select(job, UploadSpec.inJobFolder(alias.resolve("code").toString()))))
                .as("an absolute path that reaches the job folder another way").containsExactly("code/a.py");
        for (String outside : List.of("../job/../x", "..", elsewhere.resolve("secret.txt").toString(), "../*/a.py")) {
            assertThatThrownBy(() -> FileSelection.select(job, UploadSpec.inJobFolder(outside)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("upload path '" + outside + "' is outside the job folder " + job
                            + "; to ship it on purpose write {from: " + outside + ", to: ");
        }
        for (String throughLink : List.of("out", "out/secret.txt", "out/*.txt")) {
            assertThatThrownBy(() -> FileSelection.select(job, UploadSpec.inJobFolder(throughLink)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("upload path '" + throughLink + "' leads through a link to " + elsewhere.toRealPath());
        }
    }

    @Test
    void anExplicitEntryComesFromAnywhereAndLandsWhereItSays(@TempDir Path elsewhere) throws IOException {
        Files.createDirectories(elsewhere.resolve("set/sub"));
        Files.writeString(elsewhere.resolve("set/sub/x.csv"), "1");
        Files.writeString(elsewhere.resolve("set/y.csv"), "2");
        Path job = Files.createDirectories(base.resolve("job"));

        assertThat(relatives(FileSelection.select(job, new UploadSpec(elsewhere.resolve("set").toString(), "data"))))
                .containsExactly("data/sub/x.csv", "data/y.csv");
        assertThat(relatives(FileSelection.select(job, new UploadSpec(elsewhere + "/set/*.csv", "./in//csv/"))))
                .containsExactly("in/csv/y.csv");
        Selection file = FileSelection.select(job, new UploadSpec(elsewhere.resolve("set/y.csv").toString(), "conf/y.txt"));
        assertThat(file.files()).containsExactly(new FileCopy(elsewhere.resolve("set/y.csv"), "conf/y.txt", 1));
        assertThat(relatives(FileSelection.select(job, new UploadSpec(job.relativize(elsewhere) + "/set", "."))))
                .containsExactly("sub/x.csv", "y.csv");
        assertThatThrownBy(() -> FileSelection.select(job, new UploadSpec(elsewhere.resolve("set/y.csv").toString(), ".")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a file: 'to' must name the file");
    }

    @Test
    void symlinkNamedExplicitlyIsWalkedUnderTheLinkName(@TempDir Path elsewhere) throws IOException {
        Files.createDirectories(elsewhere.resolve("real/sub"));
        Files.writeString(elsewhere.resolve("real/sub/a.txt"), "a");
        Files.writeString(elsewhere.resolve("real/.gitignore"), "*.tmp\n");
        Files.writeString(elsewhere.resolve("real/b.tmp"), "b");
        try {
            Files.createSymbolicLink(base.resolve("link"), elsewhere.resolve("real"));
        } catch (UnsupportedOperationException | IOException e) {
            Assumptions.abort("symbolic links are not supported here: " + e);
        }

        Selection selection = FileSelection.select(base, "link");

        assertThat(relatives(selection)).containsExactly("link/.gitignore", "link/sub/a.txt");
        assertThat(selection.ignoredCount()).isEqualTo(1);
        assertThat(relatives(FileSelection.select(base, "link/sub/*.txt"))).containsExactly("a.txt");
    }

    @Test
    void missingPathSaysWhereItLooked() {
        assertThatThrownBy(() -> FileSelection.select(base, "nope/train.py"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upload path 'nope/train.py' does not exist (relative to " + base.toAbsolutePath() + ")");
    }

    @Test
    void patternWithNoMatchSaysWhereItLooked() throws IOException {
        write("data/x.txt", "1");

        assertThatThrownBy(() -> FileSelection.select(base, "data/*.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("upload pattern 'data/*.csv' matched no files (relative to " + base.toAbsolutePath() + ")");
        assertThatThrownBy(() -> FileSelection.select(base, "missing/*.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("upload pattern 'missing/*.csv' matched no files");
    }

    @Test
    void patternWhoseMatchesAreAllIgnoredSaysSo() throws IOException {
        write(".gitignore", "*.csv\n");
        write("a.csv", "1");
        write("b.csv", "2");

        assertThatThrownBy(() -> FileSelection.select(base, "*.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("upload pattern '*.csv' matched no files")
                .hasMessageContaining("the 2 entries it matched are ignored")
                .hasMessageNotContaining("\n");
    }

    @Test
    void blankSpecIsRejected() {
        assertThatThrownBy(() -> FileSelection.select(base, " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upload path is empty");
    }

    @Test
    void selectionListsAreImmutable() throws IOException {
        write("GTC/run.sh", "x");

        Selection selection = FileSelection.select(base, "GTC");

        assertThatThrownBy(() -> selection.files().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> selection.emptyDirs().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Nested
    class FileCopyValidation {

        @Test
        void acceptsANestedRelativePath() {
            FileCopy copy = new FileCopy(Path.of("/tmp/x"), "a/b/x", 3);

            assertThat(copy.relative()).isEqualTo("a/b/x");
        }

        @Test
        void rejectsMissingParts() {
            assertThatThrownBy(() -> new FileCopy(null, "x", 1)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("local file is missing");
            assertThatThrownBy(() -> new FileCopy(Path.of("x"), null, 1)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("destination path is missing");
        }

        @Test
        void rejectsEmptyAbsoluteAndEscapingPaths() {
            assertThatThrownBy(() -> new FileCopy(Path.of("x"), "", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is empty");
            assertThatThrownBy(() -> new FileCopy(Path.of("x"), "/etc/passwd", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'/etc/passwd' is absolute");
            assertThatThrownBy(() -> new FileCopy(Path.of("x"), "a/../../b", 1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains '..'");
            for (String escaping : new String[]{"..", "../b", "a/..", "a/b/../../.."}) {
                assertThatThrownBy(() -> new FileCopy(Path.of("x"), escaping, 1)).as(escaping)
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contains '..'");
            }
            assertThatThrownBy(() -> new FileCopy(Path.of("x"), "x", -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        }

        @Test
        void allowsNamesThatMerelyContainDots() {
            assertThat(new FileCopy(Path.of("x"), "a/..b/c..", 0).relative()).isEqualTo("a/..b/c..");
            assertThat(new FileCopy(Path.of("x"), "...", 0).relative()).isEqualTo("...");
            assertThat(new FileCopy(Path.of("x"), "a/.../b", 0).relative()).isEqualTo("a/.../b");
        }
    }

    private static List<String> relatives(Selection selection) {
        return selection.files().stream().map(FileCopy::relative).toList();
    }

    private Path write(String relative, String content) throws IOException {
        Path file = base.resolve(relative);
        Files.createDirectories(file.getParent());
        return Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
