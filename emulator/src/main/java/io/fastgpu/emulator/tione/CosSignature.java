package io.fastgpu.emulator.tione;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The COS request signature ({@code q-sign-algorithm=sha1&q-ak=...&q-signature=...}): HMAC-SHA1 of the
 * key time with the secret as the sign key, then HMAC-SHA1 of "sha1\n time \n SHA1(http string)\n", where
 * the http string is the lower-case method, the object path, and the listed parameters and headers,
 * each name lower case and URL-encoded, each value URL-encoded, sorted.
 */
final class CosSignature {
    private CosSignature() {}

    /** The fields of an Authorization header, by name. */
    static Map<String, String> parse(String authorization) {
        Map<String, String> fields = new TreeMap<>();
        for (String part : authorization.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return fields;
    }

    /**
     * The signature the request should carry.
     *
     * @param path the decoded object path, such as {@code /data/a.txt}
     * @param headerList {@code q-header-list}: the signed header names, {@code ;}-separated
     * @param header a header's value by lower-case name (null when absent)
     * @param paramList {@code q-url-param-list}
     * @param param a decoded query parameter's value by lower-case name (null when absent)
     */
    static String expected(String secretKey, String keyTime, String method, String path, String headerList,
            Function<String, String> header, String paramList, Function<String, String> param) {
        String http = method.toLowerCase(Locale.ROOT) + "\n" + path + "\n" + members(paramList, param) + "\n"
                + members(headerList, header) + "\n";
        String stringToSign = "sha1\n" + keyTime + "\n" + sha1Hex(http) + "\n";
        return hmacSha1Hex(hmacSha1Hex(secretKey, keyTime), stringToSign);
    }

    private static String members(String list, Function<String, String> value) {
        TreeMap<String, String> sorted = new TreeMap<>();
        if (list != null && !list.isEmpty()) {
            for (String name : list.split(";")) {
                String v = value.apply(name);
                sorted.put(name, encode(v == null ? "" : v.trim()));
            }
        }
        StringBuilder b = new StringBuilder();
        sorted.forEach((k, v) -> b.append(b.isEmpty() ? "" : "&").append(k).append('=').append(v));
        return b.toString();
    }

    /** URL encoding as COS signs with it: spaces as %20, '*' as %2A, '~' kept. */
    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmacSha1Hex(String key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
