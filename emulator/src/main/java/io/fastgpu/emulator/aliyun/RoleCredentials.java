package io.fastgpu.emulator.aliyun;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The temporary (STS) credentials of instance RAM roles: what the metadata service hands a machine whose instance
 * has a role, and what the gateway then accepts with their security token and until they expire. Each credential
 * belongs to one instance; {@link RequestAuthenticator} tells the pipeline whose it is, and {@link RolePolicy} limits
 * it to that instance. Thread-safe. Secrets never leave this class but to the metadata service.
 */
final class RoleCredentials {
    /**
     * One temporary credential.
     *
     * @param instanceId the instance whose role it was issued to
     */
    record Credential(String accessKeyId, String accessKeySecret, String securityToken, Instant expiration,
            Instant issued, String roleName, String instanceId) {}

    private final Clock clock;
    private final Duration lifetime;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Credential> byKeyId = new HashMap<>();
    /** The latest credential of each instance and role ({@code instanceId + "/" + role}). */
    private final Map<String, Credential> current = new HashMap<>();

    RoleCredentials(Clock clock, Duration lifetime) {
        this.clock = clock;
        this.lifetime = lifetime;
    }

    /** The credential the metadata service hands the instance for its role now: the last one, or a new one once that expired. */
    synchronized Credential forInstance(String instanceId, String roleName) {
        Instant now = clock.instant();
        String key = instanceId + "/" + roleName;
        Credential c = current.get(key);
        if (c == null || !now.isBefore(c.expiration())) {
            c = new Credential("STS." + token(18).replaceAll("[^A-Za-z0-9]", "x"), token(30), "CAIS" + token(96),
                    now.plus(lifetime).truncatedTo(ChronoUnit.SECONDS), now, roleName, instanceId);
            current.put(key, c);
            byKeyId.put(c.accessKeyId(), c);
        }
        return c;
    }

    /** The credential of a temporary access key id, or null when none was issued. */
    synchronized Credential byAccessKeyId(String keyId) {
        return byKeyId.get(keyId);
    }

    /** Whether the key id is of the form temporary ones have (then a token goes with it). */
    static boolean temporary(String keyId) {
        return keyId != null && keyId.startsWith("STS.");
    }

    private String token(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
