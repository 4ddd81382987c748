package io.confbridge.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The English texts live twice: in {@link Prompt} and in the table of scripts/generate-prompts.sh
 * that speaks them. This keeps the two identical, and makes sure the Mandarin table covers every
 * prompt too.
 */
class PromptScriptConsistencyTest {

    private static final Path SCRIPT =
            Path.of(System.getProperty("basedir", ".")).resolve("../scripts/generate-prompts.sh").normalize();

    @Test
    void scriptTablesMatchThePromptEnum() throws IOException {
        assertTrue(Files.isRegularFile(SCRIPT), "script at " + SCRIPT.toAbsolutePath());
        List<String> lines = Files.readAllLines(SCRIPT);
        Map<String, String> english = table(lines, "ENGLISH");
        Map<String, String> mandarin = table(lines, "MANDARIN");
        Map<String, String> expected = new LinkedHashMap<>();
        for (Prompt prompt : Prompt.values()) {
            expected.put(prompt.fileName().replace(".wav", ""), prompt.englishText());
        }
        assertEquals(expected, english);
        assertEquals(expected.keySet(), mandarin.keySet());
        mandarin.values().forEach(text -> assertTrue(text.codePoints().anyMatch(c -> c >= 0x4E00), text));
    }

    /** The {@code stem|text} lines of the here-document assigned to {@code name}. */
    private static Map<String, String> table(List<String> lines, String name) {
        Map<String, String> rows = new LinkedHashMap<>();
        int start = lines.indexOf("read -r -d '' " + name + " <<'TABLE' || true");
        assertTrue(start >= 0, "table " + name + " in " + SCRIPT);
        for (int i = start + 1; !lines.get(i).equals("TABLE"); i++) {
            String[] row = lines.get(i).split("\\|", 2);
            rows.put(row[0], row[1]);
        }
        return rows;
    }
}
