package io.fastgpu.emulator.machine;

import static io.fastgpu.emulator.machine.MachineClient.exec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fastgpu.emulator.machine.MachineClient.Result;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.apache.sshd.sftp.client.extensions.openssh.OpenSSHPosixRenameExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two machines on one port, reached over real SSH: commands, streams, SFTP, shells, keys. */
class EmulatedMachinesTest {
    @TempDir
    static Path root;
    static EmulatedMachines machines;
    static MachineClient client;
    static int port;
    static List<String> addresses;
    static KeyPair rsa;
    static KeyPair ecdsa;
    static ClientSession first;
    static ClientSession second;

    @BeforeAll
    static void boot() throws Exception {
        port = MachineClient.freePort();
        addresses = MachineClient.addresses(2);
        rsa = MachineClient.generate("ssh-rsa", 2048);
        ecdsa = MachineClient.generate("ecdsa-sha2-nistp256", 256);
        machines = new EmulatedMachines(root, port);
        machines.boot("i-first", List.of(addresses.get(0)), List.of(MachineClient.publicLine(rsa)), "first-host");
        machines.boot("i-second", List.of(addresses.get(1)), List.of(MachineClient.publicLine(ecdsa)), "second.example");
        client = new MachineClient();
        first = client.login(addresses.get(0), port, rsa);
        second = client.login(addresses.get(1), port, ecdsa);
    }

    @AfterAll
    static void shutDown() {
        if (client != null) {
            client.close();
        }
        if (machines != null) {
            machines.close();
        }
    }

    @Test
    void eachMachineIsItsOwnHost() throws Exception {
        String probe = "echo $HOME; hostname; hostname -s; pwd; echo $USER $LOGNAME; echo $FASTGPU_EMULATED_INSTANCE;"
                + " echo $TMPDIR";
        Result a = exec(first, probe);
        Result b = exec(second, probe);

        assertThat(a.exit()).isZero();
        assertThat(a.stdout().lines()).containsExactly(machines.home("i-first").toString(), "first-host", "first-host",
                machines.home("i-first").toString(), "root root", "i-first", root.resolve("i-first/tmp").toString());
        assertThat(b.stdout().lines()).containsExactly(machines.home("i-second").toString(), "second.example", "second",
                machines.home("i-second").toString(), "root root", "i-second", root.resolve("i-second/tmp").toString());
        assertThat(machines.isUp("i-first")).isTrue();
        assertThat(machines.isUp("i-none")).isFalse();
    }

    @Test
    void bootingAgainWithTheSameSettingsChangesNothing() throws Exception {
        machines.boot("i-first", List.of(addresses.get(0)), List.of(MachineClient.publicLine(rsa)), "first-host");

        assertThat(exec(first, "echo still").stdout()).isEqualTo("still\n");
    }

    @Test
    void commandsRunInTheirOwnSessionWithTheMarker() throws Exception {
        Result r = exec(first, "cut -d' ' -f6 /proc/$$/stat; echo $$;"
                + " tr '\\0' '\\n' </proc/$$/environ | grep -c '^FASTGPU_EMULATED_INSTANCE=i-first$'");

        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.get(0)).isEqualTo(lines.get(1));
        assertThat(lines.get(2)).isEqualTo("1");
    }

    @Test
    void onlyTheRightKeyOfRootLogsIn() {
        assertThatThrownBy(() -> client.login(addresses.get(0), port, ecdsa).close()).isInstanceOf(Exception.class);
        assertThatThrownBy(() -> client.login(addresses.get(1), port, rsa).close()).isInstanceOf(Exception.class);
        assertThatThrownBy(() -> client.login("admin", addresses.get(0), port, rsa).close()).isInstanceOf(Exception.class);
    }

    @Test
    void newKeysTakeEffectOnARunningMachine() throws Exception {
        KeyPair ed = MachineClient.generate("ecdsa-sha2-nistp384", 384);
        machines.boot("i-second", List.of(addresses.get(1)),
                List.of(MachineClient.publicLine(ecdsa) + "\n" + MachineClient.publicLine(ed)), "second.example");

        try (ClientSession s = client.login(addresses.get(1), port, ed)) {
            assertThat(exec(s, "hostname").stdout()).isEqualTo("second.example\n");
        }
    }

    @Test
    void exitStatusAndStderrPassThrough() throws Exception {
        Result r = exec(first, "echo out; echo err >&2; exit 7");

        assertThat(r).isEqualTo(new Result(7, "out\n", "err\n"));
        assertThat(exec(first, "kill -9 $$").exit()).isEqualTo(137);
    }

    @Test
    void tensOfMegabytesStreamThroughStdinAndStdout() throws Exception {
        byte[] data = new byte[50 << 20];
        new Random(7).nextBytes(data);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));

        long t0 = System.nanoTime();
        Result in = exec(first, "cat > big && sha256sum big", data);
        long t1 = System.nanoTime();
        MessageDigest back = MessageDigest.getInstance("SHA-256");
        CountingStream counted = new CountingStream();
        int exit = MachineClient.exec(first, "cat big", null, new DigestOutputStream(counted, back),
                OutputStream.nullOutputStream());
        long t2 = System.nanoTime();

        assertThat(in.exit()).isZero();
        assertThat(in.stdout()).startsWith(sha);
        assertThat(exit).isZero();
        assertThat(counted.count).isEqualTo(data.length);
        assertThat(HexFormat.of().formatHex(back.digest())).isEqualTo(sha);
        System.out.printf("emulated machine: 50 MiB stdin %.0f MiB/s, stdout %.0f MiB/s%n",
                50 / ((t1 - t0) / 1e9), 50 / ((t2 - t1) / 1e9));
    }

    @Test
    void sftpReadsWritesAndRenamesOnTheDisk() throws Exception {
        String home = machines.home("i-second").toString();
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(second)) {
            try (OutputStream out = sftp.write(home + "/up.txt")) {
                out.write("uploaded".getBytes(StandardCharsets.UTF_8));
            }
            try (OutputStream out = sftp.write(home + "/target.txt")) {
                out.write("old".getBytes(StandardCharsets.UTF_8));
            }
            OpenSSHPosixRenameExtension posix = sftp.getExtension(OpenSSHPosixRenameExtension.class);
            assertThat(posix.isSupported()).isTrue();
            posix.posixRename(home + "/up.txt", home + "/target.txt");
            sftp.rename(home + "/target.txt", home + "/moved.txt");
            Files.writeString(machines.home("i-second").resolve("local.txt"), "from the host");

            try (InputStream in = sftp.read(home + "/local.txt")) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("from the host");
            }
            assertThat(sftp.canonicalPath(".")).isEqualTo(home);
        }
        assertThat(machines.home("i-second").resolve("moved.txt")).hasContent("uploaded");
        assertThat(machines.home("i-second").resolve("up.txt")).doesNotExist();
        assertThat(machines.home("i-second").resolve("target.txt")).doesNotExist();
    }

    @Test
    void withoutAPtyAShellReadsCommandsFromStdin() throws Exception {
        try (ChannelShell shell = second.createShellChannel()) {
            shell.setUsePty(false);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            shell.setOut(out);
            shell.setErr(OutputStream.nullOutputStream());
            shell.open().verify(MachineClient.WAIT);
            try (OutputStream in = shell.getInvertedIn()) {
                in.write("hostname\nexit 3\n".getBytes(StandardCharsets.UTF_8));
            }
            shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), MachineClient.WAIT.toMillis());

            assertThat(shell.getExitStatus()).isEqualTo(3);
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("second.example\n");
        }
    }

    @Test
    void anInteractiveShellGetsAPty() throws Exception {
        try (ChannelShell shell = second.createShellChannel()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            shell.setOut(out);
            shell.setErr(OutputStream.nullOutputStream());
            shell.open().verify(MachineClient.WAIT);
            try (OutputStream in = shell.getInvertedIn()) {
                in.write("tty; echo $((6*7))x\rexit 5\r".getBytes(StandardCharsets.UTF_8));
                in.flush();
                shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), MachineClient.WAIT.toMillis());
            }

            assertThat(shell.getExitStatus()).isEqualTo(5);
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("/dev/pts/").contains("42x");
        }
    }

    @Test
    void theSystemSshClientLogsInWithEd25519AndSendsTheLocale(@TempDir Path keys) throws Exception {
        Path key = keys.resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()));
        machines.boot("i-first", List.of(addresses.get(0)),
                List.of(MachineClient.publicLine(rsa), Files.readString(keys.resolve("id_ed25519.pub"))), "first-host");

        ProcessBuilder ssh = new ProcessBuilder("ssh", "-o", "StrictHostKeyChecking=no", "-o",
                "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "-o", "SendEnv=LC_EMU_TEST",
                "-i", key.toString(), "-p", Integer.toString(port), "root@" + addresses.get(0),
                "echo $LC_EMU_TEST; hostname; exit 4");
        ssh.environment().put("LC_EMU_TEST", "sent");
        ssh.redirectErrorStream(true);
        Process p = ssh.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(out).isEqualTo(4);
        assertThat(out).isEqualTo("sent\nfirst-host\n");
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
    }

    /** Counts what passes. */
    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
