package io.fastgpu.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the {@code fastgpu} command line in this JVM, as a user would type it, against a FastGPU home and a
 * working folder of its own (both under the test's temporary folder). Not a terminal: no colours, no bars.
 */
final class Cli {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one command line did. */
    record Result(int exitCode, String out, String err) {
        List<String> outLines() { return out.lines().toList(); }

        List<String> errLines() { return err.lines().toList(); }

        /** Fails with everything the command printed unless it exited with {@code expected}. */
        Result expectExit(int expected) {
            if (exitCode != expected) {
                throw new AssertionError("expected exit code " + expected + " but got " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err + "---";
        }
    }

    private final Path home;
    private final Path workDir;
    /** The environment commands see: this process's, without any cloud settings, with a user home of its own. */
    private final Map<String, String> env = new LinkedHashMap<>();

    /** @param root an empty folder; the home is {@code root/home}, the working folder {@code root/work} */
    Cli(Path root) {
        this.home = root.resolve("home");
        this.workDir = root.resolve("work");
        System.getenv().forEach((k, v) -> {
            if (!k.startsWith("ALIYUN") && !k.startsWith("ALIBABA_CLOUD") && !k.startsWith("FASTGPU_ALIYUN")) env.put(k, v);
        });
        env.put("HOME", root.resolve("user").toString());
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path home() { return home; }

    Path workDir() { return workDir; }

    /** Sets environment variables for the following commands (credentials, endpoints). */
    Cli env(Map<String, String> values) {
        env.putAll(values);
        return this;
    }

    /**
     * The environment commands see, with {@code FASTGPU_HOME} set to this home: what a child process is given (without the
     * resident agent unless {@code FASTGPU_AGENT} was set).
     */
    Map<String, String> childEnvironment() {
        Map<String, String> copy = new LinkedHashMap<>(env);
        copy.put("FASTGPU_HOME", home.toString());
        // Each command in a process of its own, as these tests expect, unless the test turned the agent on.
        copy.putIfAbsent("FASTGPU_AGENT", "off");
        return copy;
    }

    /** Runs {@code fastgpu ARGS} with nothing on stdin. */
    Result run(String... args) { return runWithInput("", args); }

    /** Runs {@code fastgpu ARGS} with {@code stdin} as its input. */
    Result runWithInput(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, home, workDir, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                out, err, false, env);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes a file under the working folder, creating its folders; returns its path. */
    Path write(String relative, String content) {
        Path file = workDir.resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Writes {@code folder/job.yaml} under the working folder; returns the folder's name, for {@code launch}. */
    String job(String folder, String yaml) {
        write(folder + "/job.yaml", yaml);
        return folder;
    }

    /** {@code fastgpu ls --stop --json}, parsed. */
    List<JsonNode> instances() {
        Result r = run("ls", "--stop", "--json").expectExit(0);
        try {
            JsonNode arr = JSON.readTree(r.out());
            if (!arr.isArray()) throw new AssertionError("ls --json did not print an array: " + r);
            List<JsonNode> list = new ArrayList<>();
            arr.forEach(list::add);
            return list;
        } catch (IOException e) {
            throw new AssertionError("ls --json did not print JSON: " + r, e);
        }
    }

    /** Instance name to state ("running", "stopped", ...), sorted by name. */
    Map<String, String> states() {
        Map<String, String> states = new LinkedHashMap<>();
        instances().stream().sorted(java.util.Comparator.comparing(i -> i.get("name").asText()))
                .forEach(i -> states.put(i.get("name").asText(), i.get("state").asText()));
        return states;
    }

    /** Releases every instance of this home; for {@code @AfterEach}, so nothing outlives a test. */
    void killAll() {
        if (!Files.exists(home)) return;
        List<String> failures = new ArrayList<>();
        for (String name : states().keySet()) {
            Result r = run("kill", "--yes", name);
            if (r.exitCode() != 0) failures.add(name + ": " + r);
        }
        if (!failures.isEmpty()) throw new AssertionError("cleanup could not kill " + failures);
    }
}
