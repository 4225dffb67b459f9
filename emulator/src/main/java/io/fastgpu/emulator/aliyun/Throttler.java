package io.fastgpu.emulator.aliyun;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-action flow control, as the OpenAPI gateway applies it: at most N calls per action in each
 * one-second window; the rest get {@code Throttling.User}. Limits can change while running so
 * tests can inject throttling into a live emulator.
 */
final class Throttler {
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private final Map<String, long[]> windows = new HashMap<>(); // action -> {second, calls in it}

    Throttler(Map<String, Integer> initialLimits) {
        limits.putAll(initialLimits);
    }

    /** Sets the limit of an action; 0 or less removes it. */
    void setLimit(String action, int perSecond) {
        if (perSecond <= 0) {
            limits.remove(action);
        } else {
            limits.put(action, perSecond);
        }
    }

    private final java.util.Set<String> blocked = ConcurrentHashMap.newKeySet();

    /** Throttles every call of an action (or stops doing so): flow control that never lets up. */
    void block(String action, boolean on) {
        if (on) {
            blocked.add(action);
        } else {
            blocked.remove(action);
        }
    }

    /** Counts one call of {@code action} at {@code nowMillis}, or throws {@code Throttling.User}. */
    synchronized void admit(String action, long nowMillis) {
        if (blocked.contains(action)) {
            throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
        }
        Integer limit = limits.get(action);
        if (limit == null) {
            return;
        }
        long second = Math.floorDiv(nowMillis, 1000);
        long[] window = windows.computeIfAbsent(action, a -> new long[] {second, 0});
        if (window[0] != second) {
            window[0] = second;
            window[1] = 0;
        }
        if (window[1] >= limit) {
            throw new ApiError(400, "Throttling.User", "Request was denied due to user flow control.");
        }
        window[1]++;
    }
}
