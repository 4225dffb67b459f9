package io.fastgpu.provider.local;

import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.runtime.ProcessMarker;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.core.transport.ThisMachine;
import io.fastgpu.core.transport.Transport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/** Runs commands as processes of this machine, in the instance's sandbox home, marked as the instance's. */
final class LocalTransport implements Transport {
    private final String instanceId;
    private final String instanceName;
    private final Path home;
    private final Runnable ensureRunning;

    /** @param ensureRunning throws when the instance was stopped or killed since this transport was made */
    LocalTransport(String instanceId, String instanceName, Path home, Runnable ensureRunning) {
        this.instanceId = instanceId;
        this.instanceName = instanceName;
        this.home = home;
        this.ensureRunning = ensureRunning;
    }

    @Override
    public String home() { return home.toString(); }

    /** The environment of the instance's processes: a fresh login's (see {@link LoginEnvironment}), marked as the instance's. */
    Map<String, String> environment(Map<String, String> client) {
        Map<String, String> env = LoginEnvironment.of(client, home.toString());
        env.put(ProcessMarker.INSTANCE, instanceId);
        return env;
    }

    @Override
    public int exec(String bashScript, OutputSink sink, Duration timeout, java.io.InputStream stdin) {
        ensureRunning.run();
        ProcessBuilder pb = new ProcessBuilder("setsid", "bash", "-c", bashScript).directory(home.toFile());
        pb.environment().clear();
        pb.environment().putAll(environment(System.getenv()));
        return ThisMachine.run(pb, sink, timeout, stdin, instanceName, "local", ThisMachine::kill);
    }

    @Override
    public void upload(List<FileCopy> files, List<String> emptyDirs, String remoteBase, boolean dontOverwrite,
                       LongConsumer bytesCopied) {
        ThisMachine.upload(files, emptyDirs, remoteBase, dontOverwrite, bytesCopied, instanceName);
    }

    @Override
    public void download(String remotePath, Path local) { ThisMachine.download(remotePath, local, instanceName); }

    @Override
    public boolean exists(String remotePath) { return Files.exists(Path.of(remotePath)); }

    @Override
    public byte[] read(String remotePath) { return ThisMachine.read(remotePath, instanceName); }

    @Override
    public void write(String remotePath, byte[] contents) { ThisMachine.write(remotePath, contents, instanceName); }

    @Override
    public List<String> interactive(String remoteCommand) {
        String cmd = remoteCommand == null || remoteCommand.isBlank() ? "exec bash -i" : remoteCommand;
        List<String> line = new ArrayList<>(List.of("env", "-i"));
        environment(System.getenv()).forEach((k, v) -> line.add(k + "=" + v));
        line.addAll(List.of("bash", "-c", "cd \"$HOME\" && " + cmd));
        return line;
    }
}
