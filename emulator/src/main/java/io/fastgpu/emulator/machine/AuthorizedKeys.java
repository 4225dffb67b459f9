package io.fastgpu.emulator.machine;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.session.ServerSession;

/**
 * The machine's {@code /root/.ssh/authorized_keys}: user {@code root} logs in with exactly these
 * public keys. They can be replaced while the machine runs.
 */
final class AuthorizedKeys implements PublickeyAuthenticator {
    static final String USER = "root";

    private volatile List<String> lines = List.of();
    private volatile List<PublicKey> keys = List.of();

    /**
     * Replaces the keys.
     *
     * @param authorizedKeys OpenSSH public key lines ({@code ssh-ed25519 AAAA... comment}); an element
     *     may hold several lines
     * @throws IllegalArgumentException for a line that is not a public key
     */
    synchronized void set(List<String> authorizedKeys) {
        List<String> given = List.copyOf(authorizedKeys);
        if (given.equals(lines)) {
            return;
        }
        List<PublicKey> parsed = new ArrayList<>();
        for (String element : given) {
            for (String line : element.split("\\R")) {
                String l = line.strip();
                if (!l.isEmpty() && !l.startsWith("#")) {
                    parsed.add(parse(l));
                }
            }
        }
        keys = List.copyOf(parsed);
        lines = given;
    }

    @Override
    public boolean authenticate(String username, PublicKey key, ServerSession session) {
        return USER.equals(username) && keys.stream().anyMatch(k -> KeyUtils.compareKeys(k, key));
    }

    private static PublicKey parse(String line) {
        try {
            return AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            String shown = line.length() > 40 ? line.substring(0, 40) + "..." : line;
            throw new IllegalArgumentException("not an OpenSSH public key: " + shown + " (" + e.getMessage() + ")", e);
        }
    }
}
