package io.fastgpu.cli;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;

/** A small chart of a series in one line of text: block characters on a terminal, ASCII elsewhere. */
final class Sparkline {
    private static final String BLOCKS = "▁▂▃▄▅▆▇█";
    private static final String ASCII = "_.,-=+*#";

    private Sparkline() { }

    /** {@code values} squeezed (by averaging) or kept to at most {@code width} characters. */
    static String of(List<Double> values, int width, boolean unicode) {
        if (values.isEmpty()) return "";
        int n = Math.min(width, values.size());
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int from = (int) ((long) i * values.size() / n);
            int to = Math.max(from + 1, (int) ((long) (i + 1) * values.size() / n));
            double sum = 0;
            for (int k = from; k < to; k++) sum += values.get(k);
            v[i] = sum / (to - from);
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        String ramp = unicode ? BLOCKS : ASCII;
        StringBuilder sb = new StringBuilder();
        for (double x : v) {
            int level = max > min ? (int) Math.round((x - min) / (max - min) * (ramp.length() - 1)) : ramp.length() / 2;
            sb.append(ramp.charAt(level));
        }
        return sb.toString();
    }

    /** A value with at most 4 significant digits, without exponent for everyday sizes: 0.2024, 1235, 1.5e-07. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return String.valueOf((long) d);
        BigDecimal b = new BigDecimal(d).round(new MathContext(4));
        if (Math.abs(d) >= 1e-4 && Math.abs(d) < 1e15) return b.stripTrailingZeros().toPlainString();
        return b.stripTrailingZeros().toString().replace("E", "e");
    }

    /** Text from a training script as shown on a terminal: control characters (escape sequences) as '?'. */
    static String text(String s) { return s.replaceAll("\\p{Cntrl}", "?"); }
}
