package io.fastgpu.transport.ssh;

import io.fastgpu.api.FastGpuException;
import io.fastgpu.core.util.UserHome;
import io.fastgpu.core.util.ShellQuote;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.config.hosts.ConfigFileHostEntryResolver;
import org.apache.sshd.client.config.hosts.HostConfigEntry;
import org.apache.sshd.client.config.hosts.HostConfigEntryResolver;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.keyprovider.KeyIdentityProvider;
import org.apache.sshd.common.util.io.PathUtils;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionContext;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One SSH client for the whole process and one connection per host, reused for every command, file and
 * transfer; a connection that dropped is made again on next use. Keep-alives find dead peers.
 */
public final class SshConnector implements AutoCloseable {
    /** Environment variable with the passphrase of encrypted private keys. */
    public static final String PASSPHRASE_ENV = "FASTGPU_SSH_PASSPHRASE";
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** The private keys of one connection, in its context. */
    private static final AttributeRepository.AttributeKey<List<KeyPair>> KEYS = new AttributeRepository.AttributeKey<>();
    /** The host key algorithms to offer on one connection, in its context (see {@link HostKeyOrder}). */
    private static final AttributeRepository.AttributeKey<List<NamedFactory<Signature>>> HOST_KEY_ORDER =
            new AttributeRepository.AttributeKey<>();

    static {
        // ~ in the SSH config (IdentityFile ~/.ssh/key) is $HOME, as for OpenSSH, not the JVM's user.home.
        PathUtils.setUserHomeFolderResolver(UserHome::get);
    }

    private final SshClient client;
    private final PinnedHostKeys hostKeys;
    private final HostConfigEntryResolver config;
    private final Function<String, Optional<String>> passphrases;
    private final LoginHomes loginHomes;
    private final KeyLoads keyLoads = new KeyLoads();
    private final Map<SshTarget, ClientSession> sessions = new ConcurrentHashMap<>();
    private final Map<SshTarget, Object> connecting = new ConcurrentHashMap<>();
    /** Kept by {@link #open} for the life of the process: {@link #close} leaves it open. */
    private volatile boolean shared;

    /** The connectors kept open between commands, by what makes them differ; empty unless {@link #keepOpen()} was called. */
    private static final Map<List<Object>, SshConnector> SHARED = new ConcurrentHashMap<>();
    private static volatile boolean keepOpen;

    /**
     * Makes {@link #open} keep its connectors, and so their connections, open for the life of the process, for a
     * resident process that runs one command after another (OpenSSH's ControlMaster does the same).
     */
    public static void keepOpen() { keepOpen = true; }

    /**
     * A connector as {@link #SshConnector(Path, List, Path, Function)} makes one, or, after {@link #keepOpen()}, the
     * process's open one for the same files, whose {@link #close} then leaves its connections open.
     */
    public static SshConnector open(Path knownHosts, List<Path> trusted, Path sshConfig, Function<String, Optional<String>> passphrases) {
        if (!keepOpen) return new SshConnector(knownHosts, trusted, sshConfig, passphrases);
        List<Object> key = List.of(knownHosts.toAbsolutePath().toString(), List.copyOf(trusted).toString(),
                String.valueOf(sshConfig));
        return SHARED.computeIfAbsent(key, k -> {
            SshConnector c = new SshConnector(knownHosts, trusted, sshConfig, passphrases);
            c.shared = true;
            return c;
        });
    }

    /**
     * @param knownHosts  FastGPU's own pinned host keys file
     * @param trusted     extra known-hosts files whose keys count as known (read only)
     * @param sshConfig   an OpenSSH client config file, usually {@code ~/.ssh/config} (may not exist)
     * @param passphrases the passphrase of a key file, asked by its path (an environment variable, a prompt)
     */
    public SshConnector(Path knownHosts, List<Path> trusted, Path sshConfig, Function<String, Optional<String>> passphrases) {
        this.hostKeys = new PinnedHostKeys(knownHosts, trusted);
        this.loginHomes = LoginHomes.besides(knownHosts);
        this.config = sshConfig != null && Files.isRegularFile(sshConfig)
                ? new ConfigFileHostEntryResolver(sshConfig) : HostConfigEntryResolver.EMPTY;
        this.passphrases = passphrases;
        this.client = SshClient.setUpDefaultClient();
        client.setServerKeyVerifier(hostKeys);
        // sntrup761 hybrid key exchange costs about 0.15 s of CPU per connection in pure Java (measured:
        // 16 cold connections 2.5 s vs 1.2 s with curve25519); keep it possible, but last.
        List<org.apache.sshd.common.kex.KeyExchangeFactory> kex = new ArrayList<>(client.getKeyExchangeFactories());
        kex.sort(java.util.Comparator.comparing(f -> f.getName().contains("sntrup") ? 1 : 0));
        client.setKeyExchangeFactories(kex);
        if (keepOpen && aesInHardware()) {
            // A resident, fully compiled process with the CPU's AES instructions: AES-GCM runs in them, several times
            // faster than the pure-Java ChaCha20-Poly1305 that comes first otherwise (and that a short-lived,
            // barely compiled command is better off with).
            var ciphers = new ArrayList<>(client.getCipherFactories());
            ciphers.sort(java.util.Comparator.comparing(f -> f.getName().startsWith("aes128-gcm") ? 0
                    : f.getName().startsWith("aes256-gcm") ? 1 : 2));
            client.setCipherFactories(ciphers);
        }
        client.setHostConfigEntryResolver(HostConfigEntryResolver.EMPTY); // resolved here, once, below
        client.setKeyIdentityProvider(SshConnector::keysOf);
        // OpenSSH servers send all their host keys after login (hostkeys-00@openssh.com, no answer wanted), for clients
        // that update their known hosts; this one pins keys itself and has no use for them. The only handler, MINA's,
        // decodes each key and drops it: for an ECDSA key that is a primality test of the curve's prime per
        // connection, 0.1 s of CPU on a first command to 16 hosts.
        client.setGlobalRequestHandlers(List.of());
        client.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                // Before the session's first key exchange message, which offers these.
                AttributeRepository context = session instanceof ClientSession c ? c.getConnectionContext() : null;
                List<NamedFactory<Signature>> order = context == null ? null : context.getAttribute(HOST_KEY_ORDER);
                if (order != null) session.setSignatureFactories(order);
            }
        });
        CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, Duration.ofSeconds(10));
        CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, Duration.ofSeconds(10));
        CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, 3);
        CoreModuleProperties.IDLE_TIMEOUT.set(client, Duration.ofHours(24));
        CoreModuleProperties.AUTH_TIMEOUT.set(client, Duration.ofSeconds(20));
        client.start();
    }

    /**
     * Loads, without connecting anywhere, what a first connection runs: the client's factories and security providers.
     * A resident process calls it before its first command needs it.
     */
    public static void warmUp() {
        SshClient c = SshClient.setUpDefaultClient();
        c.getKeyExchangeFactories().forEach(f -> f.getName());
        c.getCipherFactories().forEach(f -> f.getName());
        c.getSignatureFactories().forEach(f -> f.getName());
    }

    /** Whether this JVM runs AES in the CPU's own instructions (HotSpot's UseAES, on where the CPU has them). */
    static boolean aesInHardware() {
        try {
            var bean = java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return bean != null && "true".equals(bean.getVMOption("UseAES").getValue());
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** The keys a session may offer: those its connection was made with (see {@link #connect}). */
    private static Iterable<KeyPair> keysOf(SessionContext session) {
        AttributeRepository context = session instanceof ClientSession c ? c.getConnectionContext() : null;
        List<KeyPair> keys = context == null ? null : context.getAttribute(KEYS);
        return keys == null ? List.of() : keys;
    }

    /** Passphrases from {@value #PASSPHRASE_ENV} only. */
    public static Function<String, Optional<String>> passphraseFromEnvironment() {
        return key -> Optional.ofNullable(System.getenv(PASSPHRASE_ENV));
    }

    PinnedHostKeys hostKeys() { return hostKeys; }

    LoginHomes loginHomes() { return loginHomes; }

    /**
     * Forgets the pinned host key of {@code host} (and {@code [host]:port} entries) in {@code knownHosts}, for a
     * machine that was really reinstalled; returns whether one was pinned.
     */
    public static boolean forgetHost(Path knownHosts, String host) {
        boolean plain = PinnedHostKeys.forget(knownHosts, host);
        boolean ported = false;
        if (!host.startsWith("[")) {
            try {
                for (String line : Files.exists(knownHosts) ? Files.readAllLines(knownHosts) : List.<String>of()) {
                    String name = line.split("\\s+", 2)[0];
                    if (name.startsWith("[" + host + "]:")) ported |= PinnedHostKeys.forget(knownHosts, name);
                }
            } catch (IOException e) {
                throw new FastGpuException("cannot read " + knownHosts + ": " + e.getMessage(), e);
            }
        }
        return plain || ported;
    }

    /** The open session to {@code target}, connecting (again) when there is none. */
    public ClientSession session(SshTarget target) {
        ClientSession s = sessions.get(target);
        if (s != null && s.isOpen() && s.isAuthenticated()) return s;
        synchronized (connecting.computeIfAbsent(target, t -> new Object())) {
            s = sessions.get(target);
            if (s != null && s.isOpen() && s.isAuthenticated()) return s;
            if (s != null) s.close(true);
            s = connect(target);
            sessions.put(target, s);
            return s;
        }
    }

    /** Drops the connection to {@code target}, e.g. after the machine was stopped. */
    public void disconnect(SshTarget target) {
        ClientSession s = sessions.remove(target);
        if (s != null) s.close(true);
    }

    /** The effective host, port, user, keys and jump host, after {@code ~/.ssh/config}. */
    HostConfigEntry resolve(SshTarget t) {
        HostConfigEntry fromConfig;
        try {
            // One at a time: while MINA's resolver (re)reads the file it answers other callers with an empty config.
            synchronized (config) {
                fromConfig = config.resolveEffectiveHost(t.host(), t.port(), null, t.user(), t.proxyJump(), null);
            }
        } catch (IOException e) {
            throw new FastGpuException("cannot read the SSH config: " + e.getMessage(), e);
        }
        String hostName = fromConfig != null && fromConfig.getHostName() != null ? fromConfig.getHostName() : t.host();
        int port = t.port() > 0 ? t.port() : fromConfig != null && fromConfig.getPort() > 0 ? fromConfig.getPort() : 22;
        String user = !t.user().isEmpty() ? t.user()
                : fromConfig != null && fromConfig.getUsername() != null ? fromConfig.getUsername()
                : System.getProperty("user.name");
        String jump = !t.proxyJump().isEmpty() ? t.proxyJump()
                : fromConfig != null && fromConfig.getProxyJump() != null ? fromConfig.getProxyJump() : "";
        HostConfigEntry e = new HostConfigEntry("", hostName, port, user, jump.isEmpty() ? null : jump);
        List<String> ids = new ArrayList<>();
        t.keys().forEach(k -> ids.add(k.toString()));
        if (ids.isEmpty() && fromConfig != null && fromConfig.getIdentities() != null) ids.addAll(fromConfig.getIdentities());
        if (ids.isEmpty()) {
            Path ssh = UserHome.get().resolve(".ssh");
            for (String n : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
                if (Files.isRegularFile(ssh.resolve(n))) ids.add(ssh.resolve(n).toString());
            }
        }
        e.setIdentities(ids);
        return e;
    }

    private ClientSession connect(SshTarget target) {
        HostConfigEntry e = resolve(target);
        String where = e.getUsername() + "@" + e.getHostName() + ":" + e.getPort()
                + (target.host().equals(e.getHostName()) ? "" : " (" + target.host() + ")");
        List<KeyLoads.Lease> leases = new ArrayList<>();
        ClientSession s = null;
        try {
            List<KeyPair> keys = new ArrayList<>();
            for (String f : e.getIdentities()) {
                KeyLoads.Lease l = keyLoads.acquire(Path.of(UserHome.expand(f, UserHome.get())), this::readKeys);
                leases.add(l);
                keys.addAll(l.keys());
            }
            if (keys.isEmpty()) {
                throw new FastGpuException("no SSH key to log in to " + where + "; name one (key: in the fleet, or"
                        + " IdentityFile in ~/.ssh/config) or create ~/.ssh/id_ed25519");
            }
            // The keys travel with this connection (the jump host, if any, gets the same context and keys), never
            // through the client, which other threads connect with at the same time using other keys.
            HostConfigEntry plain = new HostConfigEntry("", e.getHostName(), e.getPort(), e.getUsername(), e.getProxyJump());
            Map<AttributeRepository.AttributeKey<?>, Object> context = new java.util.HashMap<>();
            context.put(KEYS, List.copyOf(keys));
            if (e.getProxyJump() == null || e.getProxyJump().isBlank()) { // a jump host's session shares the context
                context.put(HOST_KEY_ORDER, HostKeyOrder.of(client.getSignatureFactories(), hostKeys.knownTypes(e.getHostName(), e.getPort())));
            }
            s = client.connect(plain, AttributeRepository.ofAttributesMap(context), null)
                    .verify(CONNECT_TIMEOUT).getSession();
            s.auth().verify(Duration.ofSeconds(20));
            return s;
        } catch (IOException ex) {
            if (s != null) s.close(true);
            throw translate(where, e, ex);
        } finally {
            leases.forEach(KeyLoads.Lease::close);
        }
    }

    private FastGpuException translate(String where, HostConfigEntry e, IOException ex) {
        Optional<String> refused = hostKeys.refusal(e.getHostName(), e.getPort());
        if (refused.isPresent()) return new FastGpuException(refused.get(), ex);
        for (Throwable c = ex; c != null; c = c.getCause()) {
            if (c instanceof ConnectException) {
                return new FastGpuException("cannot reach " + where + ": connection refused; is sshd running there"
                        + " and the port right?", ex);
            }
            if (c instanceof NoRouteToHostException || c instanceof UnknownHostException) {
                return new FastGpuException("cannot reach " + where + ": " + c.getMessage() + "; check the address", ex);
            }
        }
        String msg = String.valueOf(ex.getMessage());
        if (msg.contains("No more authentication methods") || msg.contains("authentication")) {
            return new FastGpuException("cannot log in to " + where + ": the key(s) " + e.getIdentities()
                    + " were refused; check the user and that the public key is in ~/.ssh/authorized_keys there", ex);
        }
        if (msg.toLowerCase().contains("timeout") || msg.toLowerCase().contains("timed out")) {
            return new FastGpuException("cannot reach " + where + ": no answer within " + CONNECT_TIMEOUT.toSeconds()
                    + "s; check the address, the port and any firewall", ex);
        }
        return new FastGpuException("cannot connect to " + where + ": " + msg, ex);
    }

    /** The key pairs in the private key file {@code p}, which must be the user's alone. */
    private List<KeyPair> readKeys(Path p) {
        List<KeyPair> result = new ArrayList<>();
        if (!Files.isRegularFile(p)) {
            throw new FastGpuException("SSH key " + p + " does not exist; fix the key path");
        }
        requirePrivate(p);
        FilePasswordProvider pw = (session, resource, retry) -> {
            if (retry > 0) throw new IOException("wrong passphrase");
            return passphrases.apply(p.toString()).orElseThrow(() -> new IOException("no passphrase"));
        };
        try (InputStream in = Files.newInputStream(p)) {
            SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(p.toString()), in, pw).forEach(result::add);
        } catch (IOException | GeneralSecurityException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("no passphrase")) {
                throw new FastGpuException("SSH key " + p + " is encrypted; set " + PASSPHRASE_ENV
                        + " to its passphrase (or run from a terminal to be asked)", e);
            }
            if (m.contains("wrong passphrase") || m.toLowerCase().contains("decrypt") || m.toLowerCase().contains("padding")
                    || m.contains("check values")
                    || e instanceof GeneralSecurityException) {
                throw new FastGpuException("wrong passphrase for SSH key " + p + "; check " + PASSPHRASE_ENV, e);
            }
            throw new FastGpuException("cannot read SSH key " + p + ": " + m, e);
        }
        return result;
    }

    /**
     * Refuses a private key of this user that others may read, as OpenSSH does ("UNPROTECTED PRIVATE KEY
     * FILE"): using it silently would hide that the secret is exposed, and plain {@code ssh} would fail with it.
     */
    private static void requirePrivate(Path key) {
        try {
            if (!Files.getFileStore(key).supportsFileAttributeView(PosixFileAttributeView.class)) return;
            // As OpenSSH does, check only keys the user owns.
            if (!Files.getOwner(key).getName().equals(System.getProperty("user.name"))) return;
            int mode = 0;
            for (PosixFilePermission perm : Files.getPosixFilePermissions(key)) mode |= 0400 >> perm.ordinal();
            if ((mode & 077) != 0) {
                throw new FastGpuException(String.format("SSH key %s is open to other users (mode %04o) and OpenSSH"
                        + " would refuse it, so FastGPU does too; fix it with: chmod 600 %s",
                        key, mode, ShellQuote.quote(key.toString())));
            }
        } catch (IOException e) {
            // cannot tell: reading the key reports what is wrong with the file
        }
    }

    @Override
    public void close() {
        if (shared) return;
        sessions.values().forEach(s -> s.close(true));
        sessions.clear();
        client.stop();
    }
}
