package io.fastgpu.transport.ssh;

import io.fastgpu.core.util.ParsedFiles;
import org.apache.sshd.client.keyverifier.ServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Host keys are learnt on first connect and pinned in FastGPU's own known-hosts file (OpenSSH format, so
 * {@code ssh -o UserKnownHostsFile=} can use it too). A changed key is refused; the refusal is kept so the
 * connection error can name the host, both fingerprints and how to forget the old key. Keys already in
 * extra trusted files (such as the test hosts' known_hosts) count as known.
 */
final class PinnedHostKeys implements ServerKeyVerifier {
    /** Why the last key of a host was refused, for the error message. */
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private final Path file;
    private final List<Path> trusted;
    /** Each known-hosts file read once while it is unchanged (pinning a key appends to it, which changes it). */
    private final ParsedFiles<Map<String, List<String>>> knownHosts = new ParsedFiles<>(PinnedHostKeys::read);

    PinnedHostKeys(Path file, List<Path> trusted) {
        this.file = file;
        this.trusted = List.copyOf(trusted);
    }

    Path file() { return file; }

    /** Every known-hosts file, space separated, as OpenSSH's {@code UserKnownHostsFile} takes them. */
    String knownHostsFiles() {
        StringBuilder sb = new StringBuilder(file.toString());
        trusted.forEach(t -> sb.append(' ').append(t));
        return sb.toString();
    }

    /** The OpenSSH known-hosts name of a host: {@code host} on port 22, else {@code [host]:port}. */
    static String hostKey(String host, int port) {
        return port == 22 || port == 0 ? host : "[" + host + "]:" + port;
    }

    @Override
    public synchronized boolean verifyServerKey(ClientSession session, SocketAddress remote, PublicKey key) {
        String name = name(session, remote);
        List<String> known = lookup(name);
        if (known.isEmpty()) {
            append(name, key);
            return true;
        }
        // Compared as OpenSSH writes them ("type base64"), without decoding the pinned keys: a first command on 16 hosts
        // would otherwise decode every key of every host, cold.
        String offered = PublicKeyEntry.toString(key);
        if (known.contains(offered)) return true;
        if (known.stream().anyMatch(k -> KeyUtils.compareKeys(parse(k), key))) return true; // written another way
        String type = offered.substring(0, offered.indexOf(' ') + 1);
        PublicKey pinned = parse(known.stream().filter(k -> k.startsWith(type)).findFirst().orElse(known.get(0)));
        refusals.put(name, "the host key of " + name + " has changed: pinned " + KeyUtils.getFingerPrint(pinned)
                + ", offered " + KeyUtils.getFingerPrint(key) + "; if the machine was really reinstalled, run"
                + " 'fastgpu forget-host " + name + "' (or remove its line from " + file + ") and connect again");
        return false;
    }

    Optional<String> refusal(String host, int port) { return Optional.ofNullable(refusals.get(hostKey(host, port))); }

    /**
     * Removes the pinned keys of {@code name} ({@code host} or {@code [host]:port}) from {@code file}. Rewrites the
     * file only when it had some, and never while a key is being added (which the rewrite would drop).
     */
    static synchronized boolean forget(Path file, String name) {
        if (!Files.exists(file)) return false;
        try {
            List<String> kept = new ArrayList<>();
            boolean removed = false;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.startsWith(name + " ")) removed = true; else kept.add(line);
            }
            if (removed) {
                // Whole or not at all: a process killed mid-write must not lose the other pinned keys.
                Path tmp = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
                Files.write(tmp, kept, StandardCharsets.UTF_8);
                Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return removed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rewrite " + file, e);
        }
    }

    private static String name(ClientSession session, SocketAddress remote) {
        // Pin by the name the user connected to, so an address change behind a name is caught too.
        SocketAddress connect = session.getConnectAddress();
        InetSocketAddress a = (InetSocketAddress) (connect instanceof InetSocketAddress ? connect : remote);
        return hostKey(a.getHostString(), a.getPort());
    }

    /** The types of the keys known for {@code host} on {@code port} ({@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, ...). */
    Set<String> knownTypes(String host, int port) {
        Set<String> types = new HashSet<>();
        for (String k : lookup(hostKey(host, port))) types.add(k.substring(0, k.indexOf(' ')));
        return types;
    }

    /** Every key known for {@code name} ("type base64"), in all the files (a host may have several key types). */
    private List<String> lookup(String name) {
        List<String> keys = new ArrayList<>();
        List<Path> files = new ArrayList<>(trusted);
        files.add(0, file);
        for (Path f : files) {
            keys.addAll(knownHosts.get(f).getOrDefault(name, List.of()));
        }
        return keys;
    }

    /** The keys of a known-hosts file by host name, each as "type base64"; none when there is no such file. */
    private static Map<String, List<String>> read(Path f) {
        Map<String, List<String>> byHost = new HashMap<>();
        if (!Files.isRegularFile(f)) return byHost;
        try {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                List<String> fields = fields(line);
                if (fields.size() < 3 || fields.get(0).startsWith("#")) continue;
                String keyText = fields.get(1) + " " + fields.get(2);
                for (String host : fields.get(0).split(",")) byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(keyText);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read known hosts " + f, e);
        }
        return byHost;
    }

    /** The words of a line, split at spaces and tabs. */
    private static List<String> fields(String line) {
        List<String> words = new ArrayList<>(4);
        int i = 0;
        int n = line.length();
        while (i < n) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) i++;
            if (i > start) words.add(line.substring(start, i));
        }
        return words;
    }

    private static PublicKey parse(String keyText) {
        try {
            return AuthorizedKeyEntry.parseAuthorizedKeyEntry(keyText).resolvePublicKey(null, java.util.Map.of(), org.apache.sshd.common.config.keys.PublicKeyEntryResolver.FAILING);
        } catch (Exception e) {
            throw new IllegalStateException("unreadable host key '" + keyText + "': " + e.getMessage(), e);
        }
    }

    private void append(String name, PublicKey key) {
        try {
            Files.createDirectories(file.getParent());
            String line = name + " " + PublicKeyEntry.toString(key) + "\n";
            synchronized (PinnedHostKeys.class) { // the lock of forget, whose rewrite would drop this line
                Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write known hosts " + file, e);
        }
    }
}
