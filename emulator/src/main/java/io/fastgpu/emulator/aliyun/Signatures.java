package io.fastgpu.emulator.aliyun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The two request signature schemes of the Alibaba Cloud OpenAPI, computed the way the server
 * recomputes them to compare with what the client sent.
 *
 * <ul>
 *   <li><b>ACS3-HMAC-SHA256</b> (V3, the default of the current Tea SDKs): an HMAC-SHA256 over a
 *       canonical request of method, URI, sorted query, signed headers and payload hash.</li>
 *   <li><b>RPC v1 HMAC-SHA1</b> (the legacy RPC signature, still used with
 *       {@code signatureAlgorithm=v2}): an HMAC-SHA1 over the sorted, percent-encoded parameters,
 *       keyed with {@code secret + "&"}.</li>
 * </ul>
 */
public final class Signatures {
    /** Algorithm name in the {@code Authorization} header and first line of the string to sign. */
    public static final String ACS3 = "ACS3-HMAC-SHA256";

    private Signatures() {}

    /** The parsed {@code Authorization: ACS3-HMAC-SHA256 Credential=..,SignedHeaders=..,Signature=..}. */
    public record Acs3Authorization(String accessKeyId, List<String> signedHeaders, String signature) {}

    /**
     * Percent-encoding of the OpenAPI (RFC 3986 unreserved characters kept), as the SDK's
     * {@code percentEncode}: URL form encoding with {@code +}, {@code *} and {@code %7E} fixed up.
     */
    public static String percentEncode(String value) {
        return java.net.URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    /** Sorted {@code k=v&k=v} with keys and values percent-encoded; both signatures build on it. */
    public static String canonicalQueryString(Map<String, String> params) {
        return new TreeMap<>(params).entrySet().stream()
                .map(e -> percentEncode(e.getKey()) + "=" + percentEncode(e.getValue() == null ? "" : e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /**
     * The ACS3 canonical request.
     *
     * @param headers request headers with lower-case names
     * @param signedHeaders lower-case header names the client declared as signed
     */
    public static String acs3CanonicalRequest(String method, String canonicalUri, Map<String, String> query,
            Map<String, String> headers, List<String> signedHeaders, String hashedPayload) {
        List<String> sorted = signedHeaders.stream().map(h -> h.toLowerCase(Locale.ROOT)).sorted().toList();
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : sorted) {
            String value = headers.get(name);
            canonicalHeaders.append(name).append(':').append(value == null ? "" : value.trim()).append('\n');
        }
        return method.toUpperCase(Locale.ROOT) + "\n"
                + canonicalUri + "\n"
                + canonicalQueryString(query) + "\n"
                + canonicalHeaders + "\n"
                + String.join(";", sorted) + "\n"
                + hashedPayload;
    }

    /** {@code "ACS3-HMAC-SHA256\n" + hex(sha256(canonicalRequest))}. */
    public static String acs3StringToSign(String canonicalRequest) {
        return ACS3 + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code hex(hmac-sha256(secret, stringToSign))}. */
    public static String acs3Signature(String secret, String stringToSign) {
        return HexFormat.of().formatHex(hmac("HmacSHA256", secret, stringToSign));
    }

    /**
     * Parses an ACS3 {@code Authorization} header.
     *
     * @return null when the header is not an ACS3 one or lacks one of its three parts
     */
    public static Acs3Authorization parseAcs3Authorization(String header) {
        if (header == null || !header.startsWith(ACS3 + " ")) {
            return null;
        }
        String keyId = null;
        String signedHeaders = null;
        String signature = null;
        for (String part : header.substring(ACS3.length() + 1).split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String name = p.substring(0, eq);
            String value = p.substring(eq + 1);
            switch (name) {
                case "Credential" -> keyId = value;
                case "SignedHeaders" -> signedHeaders = value;
                case "Signature" -> signature = value;
                default -> { /* unknown parts are ignored, as the gateway does */ }
            }
        }
        if (keyId == null || signedHeaders == null || signature == null) {
            return null;
        }
        return new Acs3Authorization(keyId, List.of(signedHeaders.split(";")), signature);
    }

    /**
     * RPC v1 string to sign: {@code METHOD&%2F&percentEncode(canonicalQuery)}.
     *
     * @param params all request parameters except {@code Signature}
     */
    public static String rpcV1StringToSign(String method, Map<String, String> params) {
        return method.toUpperCase(Locale.ROOT) + "&" + percentEncode("/") + "&"
                + percentEncode(canonicalQueryString(params));
    }

    /** {@code base64(hmac-sha1(secret + "&", stringToSign))}. */
    public static String rpcV1Signature(String secret, String stringToSign) {
        return Base64.getEncoder().encodeToString(hmac("HmacSHA1", secret + "&", stringToSign));
    }

    /** Lower-case hex SHA-256, the form of {@code x-acs-content-sha256}. */
    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Comparison whose time does not depend on where the strings differ (no timing oracle). */
    public static boolean constantTimeEquals(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(String algorithm, String key, String data) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
