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

    /** Edit distance where swapping two neighbouring letters counts as one edit ("tow" → "two"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
