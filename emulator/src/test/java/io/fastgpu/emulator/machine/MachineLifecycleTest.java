package io.fastgpu.emulator.machine;

import static io.fastgpu.emulator.machine.MachineClient.exec;
import static io.fastgpu.emulator.machine.MachineClient.marked;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Halting, rebooting and releasing machines, and what happens to their processes. */
class MachineLifecycleTest {
    @TempDir
    Path root;
    EmulatedMachines machines;
    MachineClient client;
    KeyPair key;
    int port;
    String address;
    String id;

    @BeforeEach
    void boot() throws Exception {
        port = MachineClient.freePort();
        address = MachineClient.addresses(1).get(0);
        key = MachineClient.generate("ecdsa-sha2-nistp256", 256);
        id = "i-life" + System.nanoTime();
        machines = new EmulatedMachines(root, port);
        machines.boot(id, List.of(address), List.of(MachineClient.publicLine(key)), "life");
        client = new MachineClient();
    }

    @AfterEach
    void shutDown() {
        client.close();
        machines.close();
        assertThat(marked(id)).isEmpty();
    }

    @Test
    void haltKillsDetachedProcessesAndTmuxAndKeepsTheDisk() throws Exception {
        boolean tmux = Files.isExecutable(Path.of("/usr/bin/tmux")) || Files.isExecutable(Path.of("/bin/tmux"));
        try (ClientSession s = client.login(address, port, key)) {
            assertThat(exec(s, "echo kept > file; setsid nohup sleep 1000 >/dev/null 2>&1 < /dev/null &").exit()).isZero();
            if (tmux) {
                assertThat(exec(s, "tmux new-session -d -s work 'sleep 1000' && tmux ls").stdout()).startsWith("work:");
            } else {
                System.out.println("tmux is not installed: the tmux part of the halt test is skipped");
            }
        }
        PublicKey hostKey = client.hostKeys.values().iterator().next();
        List<Long> before = marked(id);
        assertThat(before).hasSizeGreaterThanOrEqualTo(tmux ? 3 : 1); // sleep; tmux server and its sleep

        machines.halt(id);

        assertThat(marked(id)).isEmpty();
        assertThat(before).noneMatch(MachineClient::running);
        assertThat(machines.isUp(id)).isFalse();
        assertThat(machines.home(id).resolve("file")).hasContent("kept");

        machines.halt(id);
        client.hostKeys.clear();
        machines.boot(id, List.of(address), List.of(MachineClient.publicLine(key)), "life");
        try (ClientSession s = client.login(address, port, key)) {
            assertThat(exec(s, "cat file").stdout()).isEqualTo("kept\n");
        }
        assertThat(client.hostKeys.values()).containsExactly(hostKey);
    }

    @Test
    void releaseDeletesTheDisk() throws Exception {
        Files.writeString(machines.home(id).resolve("file"), "x");

        machines.release(id);
        machines.release(id);

        assertThat(root.resolve(id)).doesNotExist();
        assertThat(machines.isUp(id)).isFalse();
    }

    @Test
    void aCommandDiesWithItsChannelButWhatItDetachedLivesOn() throws Exception {
        try (ClientSession s = client.login(address, port, key)) {
            ChannelExec ch = s.createExecChannel("setsid sleep 1001 </dev/null >/dev/null 2>&1 & sleep 1002 | cat");
            ch.setOut(OutputStream.nullOutputStream());
            ch.setErr(OutputStream.nullOutputStream());
            ch.open().verify(MachineClient.WAIT);
            await().atMost(Duration.ofSeconds(5)).until(() -> commands(id).containsAll(List.of("sleep 1001", "sleep 1002")));

            ch.close(false);

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(commands(id)).containsExactly("sleep 1001"));
        }
    }

    @Test
    void aCommandDiesWhenTheClientDisconnects() throws Exception {
        ClientSession s = client.login(address, port, key);
        ChannelExec ch = s.createExecChannel("sleep 1003");
        ch.setOut(OutputStream.nullOutputStream());
        ch.setErr(OutputStream.nullOutputStream());
        ch.open().verify(MachineClient.WAIT);
        await().atMost(Duration.ofSeconds(5)).until(() -> commands(id).contains("sleep 1003"));

        s.close(true);

        await().atMost(Duration.ofSeconds(5)).until(() -> marked(id).isEmpty());
    }

    @Test
    void aSignalKillsTheCommand() throws Exception {
        try (ClientSession s = client.login(address, port, key)) {
            ChannelExec ch = s.createExecChannel("sleep 1004; echo not reached");
            ch.setOut(OutputStream.nullOutputStream());
            ch.setErr(OutputStream.nullOutputStream());
            ch.open().verify(MachineClient.WAIT);
            await().atMost(Duration.ofSeconds(5)).until(() -> commands(id).contains("sleep 1004"));

            MachineClient.signal(ch, "TERM");

            ch.waitFor(List.of(org.apache.sshd.client.channel.ClientChannelEvent.CLOSED), MachineClient.WAIT.toMillis());
            assertThat(ch.getExitStatus()).isEqualTo(137);
            assertThat(marked(id)).isEmpty();
        }
    }

    /** The command lines of the machine's live processes. */
    private static List<String> commands(String id) {
        return marked(id).stream().map(MachineLifecycleTest::commandLine).toList();
    }

    private static String commandLine(long pid) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }
}
