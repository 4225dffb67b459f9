package io.fastgpu.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IgnoreRulesTest {

    @TempDir
    Path root;

    private static final boolean DIR = true;
    private static final boolean FILE = false;

    /** Patterns (one per line), path, whether it is a directory, whether it must be ignored. */
    static Stream<Arguments> gitignoreCases() {
        return Stream.of(
                // Plain names match at any depth.
                Arguments.of("*.log", "app.log", FILE, true),
                Arguments.of("*.log", "logs/deep/app.log", FILE, true),
                Arguments.of("*.log", "app.log.txt", FILE, false),
                Arguments.of("secret", "a/b/secret", FILE, true),
                // A trailing slash matches directories only, and then everything inside them.
                Arguments.of("build/", "build", DIR, true),
                Arguments.of("build/", "build", FILE, false),
                Arguments.of("build/", "src/build/out.o", FILE, true),
                Arguments.of("build/", "src/build", FILE, false),
                // A slash at the start or in the middle anchors to the root.
                Arguments.of("/build", "build", DIR, true),
                Arguments.of("/build", "src/build", DIR, false),
                Arguments.of("doc/frotz", "doc/frotz", DIR, true),
                Arguments.of("doc/frotz", "a/doc/frotz", DIR, false),
                Arguments.of("doc/frotz/", "doc/frotz/x.txt", FILE, true),
                Arguments.of("/*.txt", "notes.txt", FILE, true),
                Arguments.of("/*.txt", "docs/notes.txt", FILE, false),
                // Wildcards: * and ? never cross '/', classes and negated classes.
                Arguments.of("?.txt", "a.txt", FILE, true),
                Arguments.of("?.txt", "ab.txt", FILE, false),
                Arguments.of("a*b", "a/b", FILE, false),
                Arguments.of("[a-c].py", "b.py", FILE, true),
                Arguments.of("[a-c].py", "d.py", FILE, false),
                Arguments.of("[!a-c].py", "d.py", FILE, true),
                Arguments.of("[!a-c].py", "a.py", FILE, false),
                Arguments.of("[^a-c].py", "a.py", FILE, false),
                Arguments.of("run[0-9][[:digit:]].out", "run42.out", FILE, true),
                Arguments.of("run[0-9][[:digit:]].out", "run4x.out", FILE, false),
                Arguments.of("[]x]", "]", FILE, true),
                Arguments.of("a[!x]b", "a/b", FILE, false),
                Arguments.of("a[/]b", "a/b", FILE, false),
                Arguments.of("unclosed[", "unclosed[", FILE, false),
                Arguments.of("foo\\", "foo\\", FILE, false),
                // ** leading, trailing, in the middle, and as a plain star elsewhere.
                Arguments.of("**/foo", "foo", FILE, true),
                Arguments.of("**/foo", "x/y/foo", FILE, true),
                Arguments.of("**/foo/bar", "a/b/foo/bar", FILE, true),
                Arguments.of("**/foo/bar", "foo/baz", FILE, false),
                Arguments.of("abc/**", "abc/x/y.txt", FILE, true),
                Arguments.of("abc/**", "abc", DIR, false),
                Arguments.of("abc/**", "xabc/y", FILE, false),
                Arguments.of("a/**/b", "a/b", FILE, true),
                Arguments.of("a/**/b", "a/x/y/b", FILE, true),
                Arguments.of("a/**/b", "a/x/c", FILE, false),
                Arguments.of("a**b", "axyb", FILE, true),
                Arguments.of("a**b", "ax/yb", FILE, false),
                // Comments, blank lines, trailing spaces and escapes.
                Arguments.of("# comment\n\n   \n", "# comment", FILE, false),
                Arguments.of("\\#file", "#file", FILE, true),
                Arguments.of("\\!important", "!important", FILE, true),
                Arguments.of("trailing   ", "trailing", FILE, true),
                Arguments.of("space\\ ", "space ", FILE, true),
                Arguments.of("space\\ ", "space", FILE, false),
                Arguments.of("a\\*b", "a*b", FILE, true),
                Arguments.of("a\\*b", "axb", FILE, false),
                Arguments.of("file.(1)+$", "file.(1)+$", FILE, true),
                // Negation: the last matching line wins...
                Arguments.of("*.log\n!keep.log", "keep.log", FILE, false),
                Arguments.of("*.log\n!keep.log", "other.log", FILE, true),
                Arguments.of("!keep.log\n*.log", "keep.log", FILE, true),
                Arguments.of("*.txt\n!/root.txt", "sub/root.txt", FILE, true),
                Arguments.of("*.txt\n!/root.txt", "root.txt", FILE, false),
                // ... but nothing is re-included inside an excluded directory.
                Arguments.of("logs/\n!logs/keep.log", "logs/keep.log", FILE, true),
                Arguments.of("logs/*\n!logs/keep.log", "logs/keep.log", FILE, false),
                Arguments.of("logs/*\n!logs/keep.log", "logs/other.log", FILE, true),
                Arguments.of("foo/*", "foo/bar/baz", FILE, true),
                Arguments.of("*\n!*/\n!*.py", "src/a.py", FILE, false),
                Arguments.of("*\n!*/\n!*.py", "src/b.txt", FILE, true),
                Arguments.of("/*\n!/foo\n/foo/*\n!/foo/bar", "foo/bar/x", FILE, false),
                Arguments.of("/*\n!/foo\n/foo/*\n!/foo/bar", "foo/baz", FILE, true),
                Arguments.of("**/logs/**\n!**/logs/keep", "a/logs/keep", FILE, false),
                // Names with spaces and non-ASCII letters.
                Arguments.of("données/", "données/été 1.txt", FILE, true),
                Arguments.of("*.csv", "数据.csv", FILE, true),
                Arguments.of("été ?.txt", "été 1.txt", FILE, true),
                // .git is always ignored, even when re-included.
                Arguments.of("", ".git", DIR, true),
                Arguments.of("", ".git/config", FILE, true),
                Arguments.of("!.git/\n!.git/**", "sub/.git/HEAD", FILE, true),
                Arguments.of("", ".gitignore", FILE, false),
                Arguments.of("", "src/main.py", FILE, false));
    }

    @ParameterizedTest(name = "[{index}] ''{0}'' on {1} (dir={2}) -> ignored={3}")
    @MethodSource("gitignoreCases")
    void followsGitignoreSemantics(String patterns, String path, boolean isDirectory, boolean ignored) {
        IgnoreRules rules = IgnoreRules.of(patterns.lines().toList());

        assertThat(rules.isIgnored(path, isDirectory)).isEqualTo(ignored);
    }

    @Test
    void pathsRelativeToTheRootAreSlashSeparatedWhateverTheRoot() {
        assertThat(IgnoreRules.relativePath(Path.of("/w/job"), Path.of("/w/job"))).isEmpty();
        assertThat(IgnoreRules.relativePath(Path.of("/w/job"), Path.of("/w/job/a/b.txt"))).isEqualTo("a/b.txt");
        assertThat(IgnoreRules.relativePath(Path.of("/"), Path.of("/a/b"))).isEqualTo("a/b");
        assertThat(IgnoreRules.relativePath(Path.of("job"), Path.of("job/a"))).isEqualTo("a");
        // A sibling whose name starts with the root's is not inside it.
        assertThat(IgnoreRules.relativePath(Path.of("/w/job"), Path.of("/w/job2/a"))).isEqualTo("../job2/a");
    }

    @Test
    void rootItselfIsNeverIgnored() {
        assertThat(IgnoreRules.of(List.of("*")).isIgnored("", true)).isFalse();
    }

    @Test
    void rejectsAnInvalidPatternNamingTheLine() {
        assertThatThrownBy(() -> IgnoreRules.of(List.of("ok.txt", "[z-a].txt")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid pattern '[z-a].txt' in ignore rules")
                .hasMessageEndingWith("fix or remove that line")
                .hasMessageNotContaining("\n");
    }

    @Test
    void withoutIgnoreFilesOnlyGitIsIgnored() throws IOException {
        write(".git/HEAD", "ref: refs/heads/main");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored(".git/HEAD", false)).isTrue();
        assertThat(rules.isIgnored("train.py", false)).isFalse();
        assertThat(rules.isIgnored("node_modules", true)).isFalse();
    }

    @Test
    void readsTheRootGitignore() throws IOException {
        write(".gitignore", "# build output\n*.pyc\n/out/\n");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored("pkg/mod.pyc", false)).isTrue();
        assertThat(rules.isIgnored("out/model.bin", false)).isTrue();
        assertThat(rules.isIgnored("pkg/out/model.bin", false)).isFalse();
        assertThat(rules.isIgnored("pkg/mod.py", false)).isFalse();
    }

    @Test
    void readsWindowsLineEndingsAndUtf8() throws IOException {
        write(".gitignore", "*.tmp\r\ndonnées/\r\n");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored("a.tmp", false)).isTrue();
        assertThat(rules.isIgnored("données/été.txt", false)).isTrue();
    }

    @Test
    void nestedGitignoreAppliesRelativeToItsFolder() throws IOException {
        write(".gitignore", "*.csv\n");
        write("sub/.gitignore", "*.tmp\n/local.txt\n!keep.csv\n");
        write("sub/deeper/.gitignore", "!*.tmp\n");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored("sub/x.tmp", false)).as("nested pattern inside its folder").isTrue();
        assertThat(rules.isIgnored("x.tmp", false)).as("nested pattern outside its folder").isFalse();
        assertThat(rules.isIgnored("other/x.tmp", false)).isFalse();
        assertThat(rules.isIgnored("sub/local.txt", false)).as("anchored to sub/").isTrue();
        assertThat(rules.isIgnored("sub/deeper/local.txt", false)).isFalse();
        assertThat(rules.isIgnored("sub/keep.csv", false)).as("nested negation overrides the root").isFalse();
        assertThat(rules.isIgnored("keep.csv", false)).isTrue();
        assertThat(rules.isIgnored("sub/deeper/x.tmp", false)).as("deeper file overrides shallower").isFalse();
    }

    @Test
    void gitignoreInsideAnIgnoredFolderCannotReincludeAnything() throws IOException {
        write(".gitignore", "vendor/\n");
        write("vendor/.gitignore", "!*\n");
        write("vendor/lib.py", "x = 1");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored("vendor/lib.py", false)).isTrue();
        assertThat(rules.isIgnored("vendor/.gitignore", false)).isTrue();
    }

    @Test
    void fastgpuignoreTakesPrecedenceOverEveryGitignore() throws IOException {
        write(".fastgpuignore", "data/\n");
        write(".gitignore", "*.py\n");
        write("sub/.gitignore", "*.txt\n");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored("data/big.bin", false)).isTrue();
        assertThat(rules.isIgnored("train.py", false)).as("root .gitignore unused").isFalse();
        assertThat(rules.isIgnored("sub/notes.txt", false)).as("nested .gitignore unused").isFalse();
        assertThat(rules.isIgnored(".git", true)).isTrue();
    }

    @Test
    void gitStaysIgnoredEvenIfTheFastgpuignoreReincludesIt() throws IOException {
        write(".fastgpuignore", "!.git\n!.git/**\n");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored(".git/objects/ab/cdef", false)).isTrue();
        assertThat(rules.isIgnored("sub/.git", true)).isTrue();
    }

    @Test
    void ignoredDirectoryCoversAllItsContents() throws IOException {
        write(".gitignore", "checkpoints/\n!checkpoints/best.pt\n");

        IgnoreRules rules = IgnoreRules.forRoot(root);

        assertThat(rules.isIgnored("checkpoints", true)).isTrue();
        assertThat(rules.isIgnored("checkpoints/best.pt", false)).isTrue();
        assertThat(rules.isIgnored("checkpoints/epoch1/model.pt", false)).isTrue();
        assertThat(rules.isIgnored("runs/checkpoints/x", false)).isTrue();
        assertThat(rules.isIgnored("checkpoints.txt", false)).isFalse();
    }

    @Test
    void globToRegexTranslatesWildcardsAndQuotesTheRest() {
        assertThat("data/x.csv").matches(IgnoreRules.globToRegex("data/*.csv"));
        assertThat("data/sub/x.csv").doesNotMatch(IgnoreRules.globToRegex("data/*.csv"));
        assertThat("x.csv").matches(IgnoreRules.globToRegex("**/*.csv"));
        assertThat("a/b/x.csv").matches(IgnoreRules.globToRegex("**/*.csv"));
        assertThat("a+b(1).csv").matches(IgnoreRules.globToRegex("a+b(1).csv"));
        assertThat("aab(1).csv").doesNotMatch(IgnoreRules.globToRegex("a+b(1).csv"));
    }

    private void write(String relative, String content) throws IOException {
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
