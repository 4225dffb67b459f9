package io.fastgpu.emulator.aliyun;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;

/**
 * SSH key material as CreateKeyPair and ImportKeyPair handle it: RSA generation, the PEM private
 * key handed back once, the OpenSSH public key line kept, and the MD5 fingerprint shown.
 */
final class SshKeys {
    /** The public key algorithms ImportKeyPair accepts. */
    private static final Set<String> TYPES = Set.of("ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256",
            "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521");

    /** A parsed public key: its algorithm and wire-format blob. */
    record PublicKey(String type, byte[] blob) {
        /** {@code type base64(blob)}, the OpenSSH authorized_keys form without comment. */
        String line() {
            return type + " " + Base64.getEncoder().encodeToString(blob);
        }
    }

    private SshKeys() {}

    static KeyPair generateRsa() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The private key PEM-encoded in PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}), as CreateKeyPair returns it. */
    static String pkcs8Pem(PrivateKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n";
    }

    /** The OpenSSH form of an RSA public key: string "ssh-rsa", mpint e, mpint n (RFC 4253). */
    static PublicKey openSsh(RSAPublicKey key) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            writeString(out, "ssh-rsa".getBytes(StandardCharsets.US_ASCII));
            writeString(out, key.getPublicExponent().toByteArray());
            writeString(out, key.getModulus().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PublicKey("ssh-rsa", bytes.toByteArray());
    }

    private static void writeString(DataOutputStream out, byte[] value) throws IOException {
        out.writeInt(value.length);
        out.write(value);
    }

    /**
     * Parses an OpenSSH public key line ({@code type base64 [comment]}); null when it is not one of
     * the accepted algorithms or its blob does not name the same algorithm.
     */
    static PublicKey parse(String line) {
        String[] parts = line.trim().split("\\s+");
        if (parts.length < 2 || !TYPES.contains(parts[0])) {
            return null;
        }
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(parts[1]);
        } catch (IllegalArgumentException e) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(blob);
        if (buffer.remaining() < 4) {
            return null;
        }
        int length = buffer.getInt();
        if (length < 0 || length > buffer.remaining()) {
            return null;
        }
        byte[] type = new byte[length];
        buffer.get(type);
        if (!new String(type, StandardCharsets.US_ASCII).equals(parts[0]) || !buffer.hasRemaining()) {
            return null;
        }
        if (parts[0].equals("ssh-rsa") && !validRsaBlob(buffer)) {
            return null;
        }
        return new PublicKey(parts[0], blob);
    }

    private static boolean validRsaBlob(ByteBuffer buffer) {
        for (int i = 0; i < 2; i++) {
            if (buffer.remaining() < 4) {
                return false;
            }
            int length = buffer.getInt();
            if (length <= 0 || length > buffer.remaining()) {
                return false;
            }
            byte[] value = new byte[length];
            buffer.get(value);
            if (new BigInteger(value).signum() <= 0) {
                return false;
            }
        }
        return !buffer.hasRemaining();
    }

    /** MD5 of the key blob as colon-separated hex pairs, the RFC 4716 fingerprint the API shows. */
    static String md5Fingerprint(byte[] blob) {
        try {
            return HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("MD5").digest(blob));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
