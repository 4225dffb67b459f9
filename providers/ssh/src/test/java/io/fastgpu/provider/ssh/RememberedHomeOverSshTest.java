package io.fastgpu.provider.ssh;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.transport.OutputSink;
import io.fastgpu.transport.ssh.SshConnector;
import io.fastgpu.transport.ssh.SshTarget;
import io.fastgpu.transport.ssh.SshTransport;
import org.apache.sshd.common.channel.Channel;
import org.apache.sshd.common.channel.ChannelListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The home folder a process learnt on a host, remembered for the next process (a command without the agent, a new
 * agent): its first command needs no round trip to learn it again, and checks it on the machine before it runs.
 */
class RememberedHomeOverSshTest {
    @TempDir Path dir;
    EmulatedHosts hosts;
    final List<SshConnector> connectors = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        hosts = EmulatedHosts.start(dir.resolve("hosts"), 1);
    }

    @AfterEach
    void tearDown() {
        connectors.forEach(SshConnector::close);
        if (hosts != null) hosts.close();
    }

    private SshTarget target() { return new SshTarget(hosts.ips().get(0), hosts.port(), "root", List.of(hosts.key()), ""); }

    /** What a new process has: a connector of its own, with the home's files (pinned keys, remembered homes). */
    private SshConnector newProcess() {
        SshConnector c = new SshConnector(dir.resolve("ssh/known_hosts"), List.of(), null, k -> Optional.empty());
        connectors.add(c);
        return c;
    }

    private static SshTransport transport(SshConnector c, SshTarget t) {
        return new SshTransport(c, t, "emu1", Map.of(), "task0.home");
    }

    /** Counts the channels opened on the connector's connection from now on (each a round trip). */
    private AtomicInteger channels(SshConnector c) {
        AtomicInteger opened = new AtomicInteger();
        c.session(target()).addChannelListener(new ChannelListener() {
            @Override public void channelOpenSuccess(Channel channel) { opened.incrementAndGet(); }
        });
        return opened;
    }

    private static String run(SshTransport t, String script, int expectedExit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = t.exec(script, new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { out.write(b, 0, n); }
        }, Duration.ofSeconds(30));
        assertThat(rc).as(out.toString(StandardCharsets.UTF_8)).isEqualTo(expectedExit);
        return out.toString(StandardCharsets.UTF_8);
    }

    private Path remembered() { return dir.resolve("ssh/login_homes"); }

    @Test
    void aNewProcessTakesTheRememberedHomeAndItsFirstCommandChecksItThere() throws Exception {
        SshConnector first = newProcess();
        AtomicInteger firstChannels = channels(first);
        String pwd = run(transport(first, target()), "pwd", 0);
        assertThat(firstChannels.get()).as("the home asked, then the command").isEqualTo(2);
        String login = run(transport(first, target()), "printf %s \"$HOME\"", 0);
        assertThat(pwd).isEqualTo(login + "/task0.home\n");
        assertThat(remembered()).content().contains("\t" + login + "\n").doesNotContain("task0.home");

        SshConnector second = newProcess();
        AtomicInteger channels = channels(second);
        SshTransport t = transport(second, target());
        assertThat(t.home()).isEqualTo(login + "/task0.home");
        assertThat(channels.get()).as("the home taken as remembered: no round trip").isZero();
        assertThat(run(t, "pwd", 0)).isEqualTo(pwd);
        assertThat(channels.get()).as("the check rides with the first command").isEqualTo(1);
        // Checked: the next commands on this connection, of any transport, carry no check.
        assertThat(run(transport(second, target()), "pwd", 0)).isEqualTo(pwd);
        assertThat(channels.get()).isEqualTo(2);
        // What runs no command of its own checks first.
        SshTransport files = transport(newProcess(), target());
        files.write(files.home() + "/f.txt", "x".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(files.read(files.home() + "/f.txt"), StandardCharsets.UTF_8)).isEqualTo("x");
    }

    @Test
    void aRememberedHomeThatMovedStopsTheFirstCommandBeforeItRunsAndIsAskedAgain() throws Exception {
        String login = run(transport(newProcess(), target()), "printf %s \"$HOME\"", 0);
        Files.writeString(remembered(), Files.readString(remembered()).replace("\t" + login + "\n", "\t/gone/home\n"));

        SshConnector next = newProcess();
        assertThatThrownBy(() -> run(transport(next, target()), "touch ran-here", 0))
                .isInstanceOf(FastGpuException.class)
                .hasMessage("emu1: the home folder on root@" + hosts.ips().get(0) + ":" + hosts.port() + " is " + login
                        + " now, not /gone/home as when FastGPU last used it; nothing ran there: run the command again");
        assertThat(remembered()).content().doesNotContain("/gone/home");
        // The next command asks again, and runs where the home is now.
        assertThat(run(transport(next, target()), "pwd; ls", 0)).isEqualTo(login + "/task0.home\n");
        assertThat(remembered()).content().contains("\t" + login + "\n");
        assertThat(Path.of("/gone")).doesNotExist();
    }

    @Test
    void aCommandThatItselfExitsAsTheCheckWouldIsNotTakenForAMovedHome() throws Exception {
        run(transport(newProcess(), target()), "true", 0);
        String before = Files.readString(remembered());

        SshConnector next = newProcess();
        assertThat(run(transport(next, target()), "echo ran; exit 197", 197)).isEqualTo("ran\n");
        assertThat(remembered()).content().isEqualTo(before);
        AtomicInteger channels = channels(next);
        run(transport(next, target()), "true", 0);
        assertThat(channels.get()).as("the home was checked by that command").isEqualTo(1);
    }

    @Test
    void anotherMachineAtTheSameAddressIsAskedItsHome() throws Exception {
        run(transport(newProcess(), target()), "true", 0);
        // What a machine made again at this address would have: another host key than the one the home was seen with.
        String text = Files.readString(remembered());
        Files.writeString(remembered(), text.replaceAll("\tSHA256:[^\t]+\t", "\tSHA256:AnotherMachinesHostKeyFingerprint\t"));

        SshConnector next = newProcess();
        AtomicInteger channels = channels(next);
        SshTransport t = transport(next, target());
        t.home();
        assertThat(channels.get()).as("not taken as remembered: asked").isEqualTo(1);
        assertThat(remembered()).content().isEqualTo(text);
    }
}
