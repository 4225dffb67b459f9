package io.fastgpu.provider.slurm;

import java.util.ArrayList;
import java.util.List;

/** Slurm's compressed host lists ({@code n[1-3,7],gpu[01-02]}), expanded in Slurm's order. */
final class HostList {
    private HostList() { }

    static List<String> expand(String list) {
        List<String> result = new ArrayList<>();
        if (list == null || list.isBlank() || list.startsWith("(")) return result;
        for (String item : splitTop(list.strip())) {
            int open = item.indexOf('[');
            if (open < 0) {
                result.add(item);
                continue;
            }
            int close = item.indexOf(']', open);
            String prefix = item.substring(0, open);
            String suffix = item.substring(close + 1);
            for (String range : item.substring(open + 1, close).split(",")) {
                String[] ab = range.split("-", 2);
                if (ab.length == 1) {
                    result.add(prefix + ab[0] + suffix);
                    continue;
                }
                int width = ab[0].length();
                long from = Long.parseLong(ab[0]);
                long to = Long.parseLong(ab[1]);
                for (long n = from; n <= to; n++) result.add(prefix + String.format("%0" + width + "d", n) + suffix);
            }
        }
        return result;
    }

    /** Splits at commas outside brackets. */
    private static List<String> splitTop(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(s.substring(start));
        return parts.stream().filter(p -> !p.isBlank()).toList();
    }
}
