package io.fastgpu.cli;

import java.io.PrintWriter;
import java.util.List;

/** The original's tables: a rule, the headers, a rule, then one row per line, columns split by {@code |}. */
final class Table {
    private Table() { }

    static String render(String[] headers, List<String[]> rows) {
        int[] w = new int[headers.length];
        for (int c = 0; c < w.length; c++) {
            w[c] = headers[c].length();
            for (String[] r : rows) w[c] = Math.max(w[c], r[c].length());
        }
        int total = 0;
        for (int x : w) total += x + 3;
        String rule = "-".repeat(total);
        StringBuilder out = new StringBuilder();
        out.append(rule).append('\n').append(row(headers, w)).append('\n').append(rule).append('\n');
        rows.forEach(r -> out.append(row(r, w)).append('\n'));
        return out.toString();
    }

    static void print(PrintWriter out, String[] headers, List<String[]> rows) {
        out.print(render(headers, rows));
        out.flush();
    }

    private static String row(String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) sb.append(" | ");
            sb.append(String.format("%-" + w[c] + "s", cells[c]));
        }
        return sb.toString().stripTrailing();
    }
}
