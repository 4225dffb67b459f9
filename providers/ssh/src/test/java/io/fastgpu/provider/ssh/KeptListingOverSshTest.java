package io.fastgpu.provider.ssh;

import io.fastgpu.core.files.FileCopy;
import io.fastgpu.core.files.FileSelection;
import io.fastgpu.core.files.StaleListing;
import io.fastgpu.core.files.UploadDelta;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Re-uploads over one kept connection, as the resident agent makes them (a new transport per command, the same
 * connection): an unchanged destination is not listed again, and whatever changed there, by whom, is still seen.
 */
class KeptListingOverSshTest {
    @TempDir Path dir;
    EmulatedHosts hosts;
    SshConnector connector;
    Path local;

    @BeforeEach
    void setUp() throws Exception {
        hosts = EmulatedHosts.start(dir.resolve("hosts"), 1);
        connector = new SshConnector(dir.resolve("known_hosts"), List.of(), null, k -> Optional.empty());
        local = Files.createDirectories(dir.resolve("local"));
        for (int i = 0; i < 40; i++) {
            Path f = local.resolve("code/m" + (i % 4) + "/f" + i + ".py");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "print(" + i + ")\n");
        }
        Files.writeString(local.resolve("job.yaml"), "name: x\n");
    }

    @AfterEach
    void tearDown() {
        if (connector != null) connector.close();
        if (hosts != null) hosts.close();
    }

    /** A command's transport: new each time, on the connection the connector keeps. */
    private SshTransport transport() {
        return new SshTransport(connector, new SshTarget(hosts.ips().get(0), hosts.port(), "root", List.of(hosts.key()), ""),
                "emu1", Map.of(), "task0.kept");
    }

    /**
     * What the runtime's upload does: list (or trust what was kept), send only what differs; when the machine
     * changed since what was kept, list in full and send again. Returns the files sent by the upload that wrote.
     */
    private List<String> upload(SshTransport t) {
        try {
            return uploadOnce(t);
        } catch (StaleListing e) {
            return uploadOnce(t);
        }
    }

    private List<String> uploadOnce(SshTransport t) {
        FileSelection.Selection sel = FileSelection.select(local, ".");
        String base = t.home() + "/dest";
        TreeSet<String> tops = new TreeSet<>();
        for (FileCopy f : sel.files()) tops.add(f.relative().split("/")[0]);
        UploadDelta delta = UploadDelta.of(sel.files(), t.stamps(base, tops), false);
        if (delta.send().isEmpty()) t.confirmListing(base);
        else t.upload(delta.send(), List.of(), base, false, n -> { });
        return delta.send().stream().map(FileCopy::relative).sorted().toList();
    }

    /** Counts the channels opened on the kept connection (each a round trip: one command on the machine). */
    private AtomicInteger channels() {
        AtomicInteger opened = new AtomicInteger();
        connector.session(new SshTarget(hosts.ips().get(0), hosts.port(), "root", List.of(hosts.key()), ""))
                .addChannelListener(new ChannelListener() {
                    @Override public void channelOpenSuccess(Channel channel) { opened.incrementAndGet(); }
                });
        return opened;
    }

    private String run(SshTransport t, String script) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = t.exec(script, new OutputSink() {
            @Override public void stdout(byte[] b, int n) { out.write(b, 0, n); }
            @Override public void stderr(byte[] b, int n) { out.write(b, 0, n); }
        }, Duration.ofSeconds(30));
        assertThat(rc).as(out.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aReuploadChecksTheKeptListingInsteadOfListingAgain() throws Exception {
        assertThat(upload(transport())).hasSize(41);
        long listedBefore = transport().keptListings().reused();
        AtomicInteger channels = channels();
        Thread.sleep(30);
        assertThat(upload(transport())).isEmpty();
        assertThat(transport().keptListings().reused()).isEqualTo(listedBefore + 1);
        assertThat(channels.get()).as("nothing to send: one command checks what was kept").isEqualTo(1);

        // A local change travels, and what it sent is known afterwards without a listing.
        Files.writeString(local.resolve("code/m1/f5.py"), "print('five')\n");
        Files.writeString(local.resolve("code/m2/f6.py"), "print('six')\n");
        assertThat(upload(transport())).containsExactly("local/code/m1/f5.py", "local/code/m2/f6.py");
        assertThat(channels.get()).as("the check and the copy: one command").isEqualTo(2);
        Thread.sleep(30);
        assertThat(upload(transport())).isEmpty();
        assertThat(transport().keptListings().reused()).isEqualTo(listedBefore + 3);

        // Changes made on the machine by someone else: a deleted file, a file rewritten with its time kept.
        SshTransport t = transport();
        run(t, "cd dest/local && rm code/m0/f4.py && t=$(stat -c %Y job.yaml) && echo 'name: yy' > job.yaml && touch -d @$t job.yaml");
        Thread.sleep(30);
        assertThat(upload(transport())).containsExactly("local/code/m0/f4.py", "local/job.yaml");
        assertThat(run(transport(), "cd dest/local && cat job.yaml code/m0/f4.py code/m2/f6.py"))
                .isEqualTo("name: x\nprint(4)\nprint('six')\n");
        assertThat(transport().keptListings().reused()).isEqualTo(listedBefore + 3);

        // Both at once: a local change, and a change on the machine that the kept listing does not know of. The
        // upload that trusted it writes nothing; the full listing that follows sends both.
        Thread.sleep(30);
        run(transport(), "cd dest/local && echo theirs > code/m3/f7.py");
        Files.writeString(local.resolve("code/m1/f9.py"), "print('nine')\n");
        Thread.sleep(30);
        assertThat(upload(transport())).containsExactly("local/code/m1/f9.py", "local/code/m3/f7.py");
        assertThat(run(transport(), "cd dest/local && cat code/m1/f9.py code/m3/f7.py")).isEqualTo("print('nine')\nprint(7)\n");
    }
}
