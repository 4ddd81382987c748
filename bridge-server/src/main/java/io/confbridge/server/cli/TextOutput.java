package io.confbridge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.confbridge.store.AuditRecord;
import io.confbridge.store.UntrustedText;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** The human-readable forms of API answers: "key: value" lines and aligned tables. */
final class TextOutput {

    private TextOutput() {
    }

    /** One "field: value" line per field of an object, nested objects and mail left to the caller. */
    static void fields(JsonNode object, PrintWriter out, String... skip) {
        List<String> skipped = List.of(skip);
        int width = 0;
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            width = Math.max(width, names.next().length());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (skipped.contains(field.getKey()) || field.getValue().isObject()) {
                continue;
            }
            out.printf("%-" + (width + 1) + "s %s%n", field.getKey() + ":", text(field.getValue()));
        }
    }

    /** A table with a header row; {@code columns} are JSON field names, {@code headers} their titles. */
    static void table(JsonNode array, List<String> columns, List<String> headers, PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(headers);
        for (JsonNode item : array) {
            List<String> row = new ArrayList<>(columns.size());
            for (String column : columns) {
                row.add(text(item.path(column)));
            }
            rows.add(row);
        }
        int[] widths = new int[columns.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                if (i > 0) {
                    line.append("  ");
                }
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + widths[i] + "s", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
        if (rows.size() == 1) {
            out.println("(none)");
        }
    }

    /**
     * A value as shown on the terminal: an answer may quote text an attacker chose (a caller's From user in
     * the audit log), so control characters are replaced and long values cut ({@link UntrustedText}).
     */
    static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "-";
        }
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(printable(v.asText())));
            return items.isEmpty() ? "-" : String.join(",", items);
        }
        return printable(value.asText());
    }

    /** Text from an answer made safe for a terminal. */
    static String printable(String text) {
        return UntrustedText.printable(text, AuditRecord.MAX_DETAIL_CHARS);
    }
}
