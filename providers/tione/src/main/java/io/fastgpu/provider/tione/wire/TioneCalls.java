package io.fastgpu.provider.tione.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tencentcloudapi.common.CommonClient;
import com.tencentcloudapi.common.Credential;
import com.tencentcloudapi.common.exception.TencentCloudSDKException;
import com.tencentcloudapi.common.profile.ClientProfile;
import com.tencentcloudapi.common.profile.HttpProfile;
import io.fastgpu.api.FastGpuException;

/**
 * TI-ONE (2021-11-11) through the official common SDK. Throttling ({@code RequestLimitExceeded}) is retried
 * a bounded number of times with backoff; every other error becomes one line naming the action, the
 * platform's code and what to do.
 */
public final class TioneCalls {
    static final int RETRIES = 4;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CommonClient client;
    private final String region;

    /**
     * @param endpoint {@code host:port} to call instead of {@code tione.tencentcloudapi.com} (null: the real one)
     * @param insecureHttp use http:// (the offline emulator)
     */
    public TioneCalls(String secretId, String secretKey, String region, String endpoint, boolean insecureHttp) {
        HttpProfile http = new HttpProfile();
        if (endpoint != null) {
            http.setEndpoint(endpoint);
        }
        if (insecureHttp) {
            http.setProtocol(HttpProfile.REQ_HTTP);
        }
        http.setConnTimeout(10);
        http.setReadTimeout(30);
        ClientProfile profile = new ClientProfile();
        profile.setHttpProfile(http);
        this.client = new CommonClient("tione", "2021-11-11", new Credential(secretId, secretKey), region, profile);
        this.region = region;
    }

    public String region() {
        return region;
    }

    /** Calls {@code action} with {@code request} (a Jackson-serializable value) and answers its Response. */
    public JsonNode call(String action, Object request) {
        String body;
        try {
            body = JSON.writeValueAsString(request);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        long backoff = 200;
        for (int attempt = 0; ; attempt++) {
            try {
                String answer = client.call(action, body);
                JsonNode node = JSON.readTree(answer);
                return node.has("Response") ? node.get("Response") : node;
            } catch (TencentCloudSDKException e) {
                String code = e.getErrorCode() == null ? "" : e.getErrorCode();
                // Throttling, and a connection that failed before any answer (a blip of the network), are retried.
                if ((code.equals("RequestLimitExceeded") || code.isEmpty()) && attempt < RETRIES) {
                    sleep(backoff);
                    backoff *= 2;
                    continue;
                }
                throw translate(action, code, e.getMessage());
            } catch (java.io.IOException e) {
                throw new FastGpuException("TI-ONE " + action + ": the answer is not JSON: " + e.getMessage());
            }
        }
    }

    private FastGpuException translate(String action, String code, String message) {
        String msg = message == null ? "" : message.replaceAll("\\s+", " ").strip().replaceAll("[.]$", "");
        String what = "TI-ONE " + action + " failed (" + (code.isEmpty() ? "no answer" : code) + "): " + msg;
        if (code.startsWith("AuthFailure")) {
            return new FastGpuException(what + "; check TENCENTCLOUD_SECRET_ID / TENCENTCLOUD_SECRET_KEY");
        }
        if (code.equals("UnsupportedRegion")) {
            return new FastGpuException(what + "; set TENCENTCLOUD_REGION to one of them");
        }
        if (code.equals("RequestLimitExceeded")) {
            return new FastGpuException(what + "; still throttled after " + RETRIES + " retries, try again in a minute");
        }
        if (code.startsWith("LimitExceeded")) {
            return new FastGpuException(what + "; wait for running tasks to end or ask for a higher quota");
        }
        if (code.isEmpty()) {
            return new FastGpuException("TI-ONE " + action + ": cannot reach the platform in region " + region + ": " + msg);
        }
        return new FastGpuException(what);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FastGpuException("interrupted while waiting to retry a throttled TI-ONE call");
        }
    }
}
