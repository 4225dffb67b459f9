package io.fastgpu.emulator.tione;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** TC3-HMAC-SHA256, the Tencent Cloud API 3.0 signature, as its documentation defines it. */
final class Tc3Signature {
    static final String ALGORITHM = "TC3-HMAC-SHA256";

    private Tc3Signature() {}

    /**
     * The canonical request: method, URI, query, canonical headers (each {@code name:value\n}, names
     * lower case, in SignedHeaders order), the signed header names, the payload's SHA-256.
     */
    static String canonicalRequest(String method, String uri, String query, String canonicalHeaders,
            String signedHeaders, byte[] payload) {
        return method + "\n" + uri + "\n" + query + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + sha256Hex(payload);
    }

    static String stringToSign(long timestamp, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + timestamp + "\n" + scope + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** The signature: HMAC chain TC3+secret → date → service → tc3_request → string to sign, hex. */
    static String signature(String secretKey, String date, String service, String stringToSign) {
        byte[] k = hmac(("TC3" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        k = hmac(k, service);
        k = hmac(k, "tc3_request");
        return HexFormat.of().formatHex(hmac(k, stringToSign));
    }

    static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
