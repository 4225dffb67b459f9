package io.fastgpu.core.util;

import io.fastgpu.api.FastGpuException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** This machine's public IPv4 address, as a web service that echoes the caller's address answers it. */
public final class PublicAddress {
    /** The setting naming the service. */
    public static final String URL_SETTING = "FASTGPU_PUBLIC_IP_URL";
    /** The service asked when the setting is not given. */
    public static final String DEFAULT_URL = "https://api.ipify.org";

    /** The address could not be found; the message says where it was asked and why it failed, for the caller's way out. */
    public static final class NotFound extends FastGpuException {
        NotFound(String message) { super(message); }
    }

    private PublicAddress() { }

    /** Asks {@code url} (5 s at most) for the caller's address; its answer must be one dotted IPv4 address. */
    public static String lookup(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new NotFound("could not find your public address: " + URL_SETTING + " '" + url + "' is not a URL");
        }
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                    .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
            String body = r.body().strip();
            if (r.statusCode() == 200 && isIpv4(body)) return body;
            String shown = body.length() > 40 ? body.substring(0, 40) + "..." : body;
            throw new NotFound("could not find your public address at " + url + " (answer " + r.statusCode()
                    + (shown.isEmpty() ? "" : ": '" + shown.replaceAll("\\s+", " ") + "'") + ")");
        } catch (IOException | IllegalArgumentException e) {
            String why = e.getClass().getSimpleName();
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getMessage() != null && !t.getMessage().isBlank()) {
                    why = t.getMessage();
                    break;
                }
            }
            throw new NotFound("could not find your public address at " + url + " (" + why.replaceAll("\\s+", " ") + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted");
        }
    }

    /** A dotted IPv4 address, each part 0..255. */
    static boolean isIpv4(String s) {
        if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return false;
        for (String part : s.split("\\.")) if (Integer.parseInt(part) > 255) return false;
        return true;
    }
}
