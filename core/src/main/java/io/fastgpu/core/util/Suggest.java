package io.fastgpu.core.util;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean ...?" for misspelt keys and names. */
public final class Suggest {
    private Suggest() { }

    /** The closest candidate within a small edit distance, if any. */
    public static Optional<String> closest(String input, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            // A candidate that contains the input's letters in order ("rn" in "run") is the likelier typo.
            int d = 2 * distance(input.toLowerCase(), c.toLowerCase()) - (isSubsequence(input.toLowerCase(), c.toLowerCase()) ? 1 : 0);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        int allowed = 2 * Math.max(2, input.length() / 3);
        return bestDistance <= allowed ? Optional.ofNullable(best) : Optional.empty();
    }

    private static boolean isSubsequence(String small, String big) {
        int i = 0;
        for (int j = 0; j < big.length() && i < small.length(); j++) {
            if (small.charAt(i) == big.charAt(j)) i++;
        }
        return i == small.length();
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }
}
