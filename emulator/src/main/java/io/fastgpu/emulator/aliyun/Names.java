package io.fastgpu.emulator.aliyun;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Instance names and hostnames as RunInstances forms and checks them.
 *
 * <p>Ordered naming, as documented for RunInstances: {@code name_prefix[begin_number,bits]name_suffix}
 * numbers the instances of one call from {@code begin_number} (0 to 999999, default 0), padded with
 * zeros to {@code bits} digits (1 to 6, default 6; when {@code begin_number} has more digits than
 * {@code bits}, 6). The prefix is mandatory: without one the value is an ordinary name. Then
 * {@code UniqueSuffix=true} appends {@code 001}, {@code 002}, ... to the names of a batch (Amount
 * greater than 1), except for a {@code name_prefix[begin_number,bits]} value without suffix, which
 * is numbered already. The hostname may hold {@code ${instance_id}}, replaced by each instance's id.
 */
final class Names {
    private static final Pattern ORDERED = Pattern.compile("(.+?)\\[(\\d*)(?:,(\\d*))?](.*)");
    private static final Pattern INSTANCE_NAME =
            Pattern.compile("[\\p{L}][\\p{L}\\p{N}:_.\\-]{1,127}");
    private static final Pattern HOST_LABEL = Pattern.compile("[A-Za-z0-9]+(-[A-Za-z0-9]+)*");

    private Names() {}

    /**
     * The {@code amount} names a pattern yields, or null when the value is not of the ordered form
     * (an ordinary name, which UniqueSuffix may still extend).
     */
    static List<String> ordered(String pattern, int amount) {
        Matcher m = ORDERED.matcher(pattern);
        if (!m.matches()) {
            return null;
        }
        String begin = m.group(2);
        String bitsText = m.group(3);
        if (begin.length() > 6 || (bitsText != null && bitsText.length() > 1)) {
            return null;
        }
        int start = begin.isEmpty() ? 0 : Integer.parseInt(begin);
        int bits = bitsText == null || bitsText.isEmpty() ? 6 : Integer.parseInt(bitsText);
        if (bits < 1 || bits > 6) {
            return null;
        }
        if (String.valueOf(start).length() > bits) {
            bits = 6;
        }
        List<String> names = new ArrayList<>();
        for (int n = 0; n < amount; n++) {
            names.add(m.group(1) + String.format("%0" + bits + "d", start + n) + m.group(4));
        }
        return names;
    }

    /** Whether an ordered pattern ends with its number (no name_suffix), so UniqueSuffix does not apply. */
    static boolean orderedWithoutSuffix(String pattern) {
        Matcher m = ORDERED.matcher(pattern);
        return m.matches() && m.group(4).isEmpty();
    }

    /**
     * The names of a batch: the ordered form expanded, else the same name for all, then the unique
     * suffix where it applies.
     */
    static List<String> expand(String value, int amount, boolean uniqueSuffix) {
        List<String> names = ordered(value, amount);
        boolean suffix = uniqueSuffix && amount > 1 && !orderedWithoutSuffix(value);
        List<String> out = new ArrayList<>();
        for (int n = 0; n < amount; n++) {
            String base = names == null ? value : names.get(n);
            out.add(suffix ? base + String.format("%03d", n + 1) : base);
        }
        return out;
    }

    /** 2 to 128 characters, starting with a letter; letters, digits, colons, underscores, periods, hyphens. */
    static boolean validInstanceName(String name) {
        return INSTANCE_NAME.matcher(name).matches() && !name.startsWith("http://") && !name.startsWith("https://");
    }

    /**
     * A Linux hostname: 2 to 64 characters, period-separated segments of letters, digits and single
     * hyphens, not starting or ending with a period or hyphen.
     */
    static boolean validHostName(String name) {
        if (name.length() < 2 || name.length() > 64) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (!HOST_LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** 2 to 128 characters starting with a letter, not a URL: the rule for most resource names. */
    static boolean validResourceName(String name) {
        return name.length() >= 2 && name.length() <= 128 && Character.isLetter(name.codePointAt(0))
                && !name.startsWith("http://") && !name.startsWith("https://");
    }
}
