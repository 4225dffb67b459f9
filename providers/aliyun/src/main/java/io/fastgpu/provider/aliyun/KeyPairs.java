package io.fastgpu.provider.aliyun;

import io.fastgpu.api.Event;
import io.fastgpu.api.EventListener;
import io.fastgpu.api.FastGpuException;
import io.fastgpu.provider.aliyun.wire.CloudApi;
import io.fastgpu.provider.aliyun.wire.CloudError;
import io.fastgpu.provider.aliyun.wire.KeyPairCalls;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Iterator;

/**
 * The key pair {@code fastgpu-$USER} of a region. The private key is made here and saved, mode 0400, before the
 * cloud hears of the pair (ImportKeyPair): a process killed at any moment leaves either nothing or a saved key
 * that the next run imports, never a pair whose private key is lost (Alibaba Cloud would show the private key of a
 * pair it made only once). A pair whose private key is not here (made on another machine) is reported with the
 * way out.
 */
final class KeyPairs {
    private final KeyPairCalls pairs;
    private final String region;
    private final EventListener events;
    private final AliyunSettings settings;
    private volatile boolean ready;

    KeyPairs(CloudApi api, EventListener events, AliyunSettings settings) {
        this.pairs = new KeyPairCalls(api);
        this.region = api.region();
        this.events = events;
        this.settings = settings;
    }

    /** Makes sure the key pair exists in the region and its private key is on this machine; returns its name. */
    synchronized String ensure() {
        if (ready) return settings.keyPairName();
        String name = settings.keyPairName();
        Path key = settings.privateKey();
        if (pairs.exists(name)) {
            if (!Files.isRegularFile(key)) {
                throw new FastGpuException("key pair " + name + " exists in " + region + " but its private key is not at "
                        + key + " (Alibaba Cloud shows a private key only once): copy it there from the machine that made it,"
                        + " or set FASTGPU_ALIYUN_KEYPAIR to a new name to make a fresh pair");
            }
            ready = true;
            return name;
        }
        if (Files.isRegularFile(key)) {
            events.on(new Event.Notice(Event.Level.INFO, "Importing key pair " + name + " from " + key));
        } else {
            events.on(new Event.Notice(Event.Level.INFO, "Creating key pair " + name + "; its private key goes to " + key));
            save(key, generate());
        }
        importPublicKey(name, publicKeyOf(key));
        ready = true;
        return name;
    }

    private void importPublicKey(String name, String publicKey) {
        try {
            pairs.importPublicKey(name, publicKey, Network.ours());
        } catch (CloudError e) {
            // Another run imported this same saved key at the same time.
            if (!e.is("KeyPair.AlreadyExist")) throw e;
        }
    }

    /** An RSA key, PKCS#8 PEM, as CreateKeyPair hands it out. */
    private static String generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(3072);
            byte[] der = g.generateKeyPair().getPrivate().getEncoded();
            return "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                    + "\n-----END PRIVATE KEY-----\n";
        } catch (GeneralSecurityException e) {
            throw new FastGpuException("cannot make an RSA key: " + e.getMessage(), e);
        }
    }

    /** The OpenSSH public key line ({@code ssh-rsa AAAA...}) of a saved private key. */
    private static String publicKeyOf(Path key) {
        try (InputStream in = Files.newInputStream(key)) {
            Iterator<KeyPair> pairs = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(key.toString()), in, null).iterator();
            return PublicKeyEntry.toString(pairs.next().getPublic());
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new FastGpuException("cannot read the private key " + key + " (" + e.getMessage() + "); move it away and"
                    + " run again to make a new key pair, or set FASTGPU_ALIYUN_KEYPAIR to another name");
        }
    }

    /** Temporary key files a run killed while saving left behind (an hour old or more). */
    private static void removeStaleTemporaries(Path dir) {
        long cutoff = System.currentTimeMillis() - java.time.Duration.ofHours(1).toMillis();
        try (var files = Files.newDirectoryStream(dir, ".key*.tmp")) {
            for (Path f : files) {
                if (Files.getLastModifiedTime(f).toMillis() < cutoff) Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            // best effort: a stray temporary file does no harm
        }
    }

    /**
     * Saves the key whole or not at all, readable by its owner only, and never over a key another run saved at the
     * same time (that one is kept: it is the one being imported).
     */
    private static void save(Path key, String pem) {
        Path tmp = null;
        try {
            Files.createDirectories(key.getParent());
            removeStaleTemporaries(key.getParent());
            tmp = Files.createTempFile(key.getParent(), ".key", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, pem, StandardCharsets.US_ASCII);
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("r--------"));
            try {
                Files.createLink(key, tmp);
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                if (e instanceof FileAlreadyExistsException f) throw f;
                // No hard links here: a rename, which is as whole but could replace a key saved meanwhile.
                if (!Files.exists(key)) Files.move(tmp, key, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (FileAlreadyExistsException e) {
            // saved by another run meanwhile
        } catch (IOException e) {
            throw new FastGpuException("cannot save the private key to " + key + ": " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a stray temporary file in the key folder
                }
            }
        }
    }
}
