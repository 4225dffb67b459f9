package io.fastgpu.emulator.aliyun;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One OpenAPI call as received over HTTP, decoded: query parameters, lower-case headers, raw body.
 *
 * @param query decoded query parameters (the SDK never repeats a key)
 * @param headers header values keyed by lower-case name (first value of each)
 * @param params the API parameters: query plus, for form-encoded bodies, the body fields
 */
public record ApiRequest(String method, String path, Map<String, String> query, Map<String, String> headers,
        byte[] body, Map<String, String> params) {

    /** Builds a request from its raw parts, merging a form-encoded body into the parameters. */
    public static ApiRequest of(String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {
        Map<String, String> lower = new LinkedHashMap<>();
        headers.forEach((k, v) -> lower.putIfAbsent(k.toLowerCase(Locale.ROOT), v));
        Map<String, String> query = parseForm(rawQuery);
        Map<String, String> params = new LinkedHashMap<>(query);
        String contentType = lower.getOrDefault("content-type", "");
        if (contentType.startsWith("application/x-www-form-urlencoded") && body.length > 0) {
            params.putAll(parseForm(new String(body, StandardCharsets.UTF_8)));
        }
        return new ApiRequest(method, path, Collections.unmodifiableMap(query), Collections.unmodifiableMap(lower),
                body, Collections.unmodifiableMap(params));
    }

    /** The action: the {@code x-acs-action} header (ACS3) or the {@code Action} parameter (RPC v1). */
    public String action() {
        return headers.getOrDefault("x-acs-action", params.get("Action"));
    }

    /** The API version: {@code x-acs-version} (ACS3) or {@code Version} (RPC v1). */
    public String version() {
        return headers.getOrDefault("x-acs-version", params.get("Version"));
    }

    /** A parameter, or null when absent or empty (the SDK sends unset values as absent). */
    public String param(String name) {
        String v = params.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    private static Map<String, String> parseForm(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            out.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        }
        return out;
    }
}
