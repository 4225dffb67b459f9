package io.fastgpu.emulator.machine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.buffer.Buffer;

/** A plain MINA SSH client for the tests, remembering the host key each address showed. */
final class MachineClient implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(20);

    final SshClient client = SshClient.setUpDefaultClient();
    final Map<String, PublicKey> hostKeys = new ConcurrentHashMap<>();

    /** What a command printed and how it ended. */
    record Result(int exit, String stdout, String stderr) {}

    MachineClient() {
        client.setServerKeyVerifier((session, address, key) -> {
            hostKeys.put(address.toString(), key);
            return true;
        });
        client.start();
    }

    ClientSession login(String address, int port, KeyPair key) throws IOException {
        return login("root", address, port, key);
    }

    ClientSession login(String user, String address, int port, KeyPair key) throws IOException {
        ClientSession s = client.connect(user, address, port).verify(WAIT).getSession();
        s.addPublicKeyIdentity(key);
        try {
            s.auth().verify(WAIT);
        } catch (IOException | RuntimeException e) {
            s.close(true);
            throw e;
        }
        return s;
    }

    static Result exec(ClientSession s, String command) throws IOException {
        return exec(s, command, null);
    }

    static Result exec(ClientSession s, String command, byte[] stdin) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = exec(s, command, stdin == null ? null : o -> o.write(stdin), out, err);
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Writes standard input. */
    interface Feed {
        void write(OutputStream in) throws IOException;
    }

    /** Runs {@code command}, feeding stdin (then EOF) from this thread while MINA collects the output. */
    static int exec(ClientSession s, String command, Feed stdin, OutputStream out, OutputStream err)
            throws IOException {
        try (ChannelExec ch = s.createExecChannel(command)) {
            ch.setOut(out);
            ch.setErr(err);
            ch.open().verify(WAIT);
            try (OutputStream in = ch.getInvertedIn()) {
                if (stdin != null) {
                    stdin.write(in);
                }
            }
            ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(60).toMillis());
            Integer status = ch.getExitStatus();
            if (status == null) {
                throw new IOException("no exit status for " + command);
            }
            return status;
        }
    }

    /** Sends a {@code signal} channel request, which MINA's client has no call for. */
    static void signal(ChannelExec ch, String name) throws IOException {
        Buffer b = ch.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, name.length() + 32);
        b.putUInt(ch.getRecipient());
        b.putString("signal");
        b.putBoolean(false);
        b.putString(name);
        ch.writePacket(b);
    }

    static KeyPair generate(String type, int bits) throws GeneralSecurityException {
        return KeyUtils.generateKeyPair(type, bits);
    }

    static String publicLine(KeyPair key) {
        return PublicKeyEntry.toString(key.getPublic()) + " test@emulator";
    }

    /** A port free on loopback right now. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** {@code n} loopback addresses in a /24 of 127.78/16 picked at random, so parallel runs do not meet. */
    static List<String> addresses(int n) {
        int net = ThreadLocalRandom.current().nextInt(1, 255);
        return java.util.stream.IntStream.rangeClosed(1, n).mapToObj(i -> "127.78." + net + "." + (i + 1)).toList();
    }

    /** Whether {@code pid} is a live process (not gone, not a zombie). */
    static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The live processes carrying the marker of {@code instanceId}. */
    static List<Long> marked(String instanceId) {
        return ProcessTable.withEnvironmentEntry(MachineEnvironment.MARKER, instanceId).stream()
                .filter(MachineClient::running).toList();
    }

    @Override
    public void close() {
        client.stop();
    }
}
