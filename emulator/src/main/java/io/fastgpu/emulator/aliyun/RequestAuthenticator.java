package io.fastgpu.emulator.aliyun;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks who sent a request and that it was not altered or replayed, like the OpenAPI gateway:
 * the signature (ACS3 or RPC v1) against the configured key pairs, the timestamp window and the
 * nonce. Error codes are the gateway's. Secrets never leave this class (not even in messages).
 *
 * <p>Temporary credentials of an instance RAM role ({@link RoleCredentials}) are accepted only with their security
 * token (the {@code x-acs-security-token} header, signed, with ACS3; the {@code SecurityToken} parameter with RPC v1)
 * and before they expire; the caller then acts for that instance only ({@link RolePolicy}).
 */
final class RequestAuthenticator {
    /** The gateway accepts timestamps within 15 minutes of its own time and remembers nonces as long. */
    private static final Duration WINDOW = Duration.ofMinutes(15);

    /**
     * Who sent a request.
     *
     * @param instanceId the instance whose role's temporary credential signed it, or null for an account's key
     */
    record Caller(String accessKeyId, String instanceId) {}

    private final Map<String, String> secretsById;
    private final RoleCredentials roles;
    private final Clock clock;
    private final Map<String, Instant> seenNonces = new LinkedHashMap<>();

    RequestAuthenticator(Map<String, String> secretsById, RoleCredentials roles, Clock clock) {
        this.secretsById = Map.copyOf(secretsById);
        this.roles = roles;
        this.clock = clock;
    }

    /** Verifies the request; returns the caller or throws the gateway's error. */
    Caller authenticate(ApiRequest req) {
        String authorization = req.headers().get("authorization");
        if (authorization != null) {
            return authenticateAcs3(req, authorization);
        }
        if (req.params().containsKey("Signature")) {
            return authenticateRpcV1(req);
        }
        throw ApiError.incompleteSignature("The request carries neither an Authorization header nor a Signature.");
    }

    private Caller authenticateAcs3(ApiRequest req, String header) {
        Signatures.Acs3Authorization auth = Signatures.parseAcs3Authorization(header);
        if (auth == null) {
            throw ApiError.incompleteSignature(
                    "The Authorization header is not ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..");
        }
        String secret = secretFor(auth.accessKeyId());
        // The host and the x-acs-* headers that carry the call must be covered by the signature.
        for (String required : List.of("host", "x-acs-action", "x-acs-version", "x-acs-date",
                "x-acs-signature-nonce", "x-acs-content-sha256")) {
            if (!auth.signedHeaders().contains(required) || !req.headers().containsKey(required)) {
                throw ApiError.incompleteSignature("The header " + required + " is missing or not signed.");
            }
        }
        String hashedPayload = req.headers().get("x-acs-content-sha256");
        if (!hashedPayload.equalsIgnoreCase(Signatures.sha256Hex(req.body()))) {
            throw ApiError.incompleteSignature("x-acs-content-sha256 does not match the request body.");
        }
        String canonical = Signatures.acs3CanonicalRequest(req.method(), req.path(), req.query(), req.headers(),
                auth.signedHeaders(), hashedPayload);
        String stringToSign = Signatures.acs3StringToSign(canonical);
        if (!Signatures.constantTimeEquals(Signatures.acs3Signature(secret, stringToSign), auth.signature())) {
            // Like the cloud, show the server's string to sign (it holds no secret) to help debugging.
            throw ApiError.incompleteSignature("server string to sign is:" + stringToSign);
        }
        checkFreshness(req.headers().get("x-acs-date"), req.headers().get("x-acs-signature-nonce"));
        String token = req.headers().get("x-acs-security-token");
        if (token != null && !auth.signedHeaders().contains("x-acs-security-token")) {
            throw ApiError.incompleteSignature("The header x-acs-security-token is not signed.");
        }
        return caller(auth.accessKeyId(), token);
    }

    private Caller authenticateRpcV1(ApiRequest req) {
        String keyId = req.param("AccessKeyId");
        if (keyId == null) {
            throw ApiError.missingParameter("AccessKeyId");
        }
        String secret = secretFor(keyId);
        Map<String, String> signed = new TreeMap<>(req.params());
        String signature = signed.remove("Signature");
        String stringToSign = Signatures.rpcV1StringToSign(req.method(), signed);
        if (!Signatures.constantTimeEquals(Signatures.rpcV1Signature(secret, stringToSign), signature)) {
            throw new ApiError(400, "SignatureDoesNotMatch",
                    "Specified signature is not matched with our calculation. server string to sign is:" + stringToSign);
        }
        checkFreshness(req.param("Timestamp"), req.param("SignatureNonce"));
        return caller(keyId, req.param("SecurityToken"));
    }

    /** The caller of a correctly signed request; a temporary key needs its own token, unexpired. */
    private Caller caller(String keyId, String token) {
        RoleCredentials.Credential temporary = roles.byAccessKeyId(keyId);
        if (temporary == null) {
            return new Caller(keyId, null);
        }
        if (token == null || token.isEmpty()) {
            throw new ApiError(400, "MissingSecurityToken", "SecurityToken is mandatory for this action.");
        }
        if (!Signatures.constantTimeEquals(token, temporary.securityToken())) {
            throw new ApiError(400, "InvalidSecurityToken.MismatchWithAccessKey",
                    "Specified SecurityToken mismatch with the AccessKey.");
        }
        if (!clock.instant().isBefore(temporary.expiration())) {
            throw new ApiError(400, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired.");
        }
        return new Caller(keyId, temporary.instanceId());
    }

    private String secretFor(String keyId) {
        RoleCredentials.Credential temporary = roles.byAccessKeyId(keyId);
        if (temporary != null) {
            return temporary.accessKeySecret();
        }
        String secret = secretsById.get(keyId);
        if (secret == null) {
            throw new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
        }
        return secret;
    }

    private synchronized void checkFreshness(String timestamp, String nonce) {
        Instant now = clock.instant();
        Instant at;
        try {
            at = Instant.parse(timestamp);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new ApiError(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.");
        }
        if (Duration.between(at, now).abs().compareTo(WINDOW) > 0) {
            throw new ApiError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
        }
        if (nonce == null || nonce.isEmpty()) {
            throw ApiError.missingParameter("SignatureNonce");
        }
        // Forget nonces older than the window; insertion order is arrival order.
        for (Iterator<Instant> it = seenNonces.values().iterator(); it.hasNext(); ) {
            if (Duration.between(it.next(), now).compareTo(WINDOW) > 0) {
                it.remove();
            } else {
                break;
            }
        }
        if (seenNonces.putIfAbsent(nonce, now) != null) {
            throw new ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
        }
    }
}
