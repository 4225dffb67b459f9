package io.fastgpu.dashboard;

import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The dashboard's one secret: a random token that is part of the address {@code fastgpu ui} prints, as Jupyter
 * does. The first request brings it in the query ({@code ?token=...}) and gets it back as a cookie, so that links,
 * scripts and the live streams of the pages carry it without showing it; every request without it is refused.
 */
final class AccessGuard {
    static final String QUERY_PARAM = "token";
    static final String REFUSAL = "403 Forbidden: this dashboard needs the token in the address 'fastgpu ui' printed"
            + " (http://127.0.0.1:PORT/?token=...)";

    private final String token;
    private final String cookieName;

    AccessGuard(int port) {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        this.token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        // One cookie per port, so two dashboards on one machine do not log each other out.
        this.cookieName = "fastgpu-ui-" + port;
    }

    String token() {
        return token;
    }

    /** Lets a request with the token through (setting the cookie when it came in the query); refuses any other. */
    void check(Context ctx) {
        if (matches(ctx.queryParam(QUERY_PARAM))) {
            ctx.header("Set-Cookie", cookieName + "=" + token + "; Path=/; HttpOnly; SameSite=Strict");
            return;
        }
        if (matches(ctx.cookie(cookieName))) return;
        ctx.status(403).contentType("text/plain; charset=utf-8").result(REFUSAL + "\n");
        ctx.skipRemainingHandlers();
    }

    private boolean matches(String given) {
        return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                token.getBytes(StandardCharsets.UTF_8));
    }
}
