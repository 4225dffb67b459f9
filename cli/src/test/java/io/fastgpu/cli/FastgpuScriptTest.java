package io.fastgpu.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code fastgpu} script at the project root, called the way a user installs it: through a link in PATH.
 * It runs in a copy of the project layout with a {@code java} on PATH that only says how it was called, so
 * that what is tested is the script's own choice of folder, without building or starting the CLI.
 */
class FastgpuScriptTest {
    @TempDir Path tmp;

    @Test
    void calledThroughALinkInPathItUsesTheProjectTheLinkLeadsTo() throws Exception {
        Path script = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("fastgpu");
        Path project = Files.createDirectories(tmp.resolve("project"));
        Files.copy(script, project.resolve("fastgpu"));
        Path jar = Files.createDirectories(project.resolve("cli/target")).resolve("fastgpu.jar");
        Files.writeString(jar, "a jar newer than every source");
        Path fakes = Files.createDirectories(tmp.resolve("fakes"));
        executable(fakes.resolve("java"), "#!/bin/sh\necho \"java $*\"\n");
        executable(fakes.resolve("mvn"), "#!/bin/sh\necho \"mvn ran in $PWD\" >&2; exit 1\n");
        // a link to a link, the second one relative, as package managers and ~/bin often have them
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(tmp.resolve("project-link"), Path.of("project"));
        Files.createSymbolicLink(bin.resolve("fastgpu"), tmp.resolve("project-link/fastgpu"));
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));

        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "fastgpu ls").directory(elsewhere.toFile()).redirectErrorStream(true);
        pb.environment().put("PATH", bin + ":" + fakes + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("-jar " + jar.toRealPath() + " ls").doesNotContain("mvn ran");
    }

    private static void executable(Path file, String content) throws Exception {
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
