package io.confbridge.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a JSON or YAML config file into flat dotted keys ({@code {"sip": {"port": 5070}}} becomes
 * {@code sip.port -> 5070}). Values stay raw (String, Boolean, Long, BigInteger, Double, or null);
 * {@link Setting} gives them types, so the same checks apply to the file and to overrides.
 */
final class ConfigFileReader {
    private ConfigFileReader() {
    }

    static Map<String, Object> read(Path file) {
        String where = file.toString();
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        ObjectMapper mapper;
        if (name.endsWith(".json")) {
            mapper = new ObjectMapper();
        } else if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            mapper = new ObjectMapper(new YAMLFactory());
        } else {
            throw new ConfigException(where, "unknown config file type; use .json, .yaml or .yml");
        }
        // A key given twice is most likely a mistake; the silent "last one wins" hides it.
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        JsonNode root;
        try {
            root = mapper.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ConfigException(where, "config file not found", e);
        } catch (JsonProcessingException e) {
            String at = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new ConfigException(where, "not valid " + (name.endsWith(".json") ? "JSON" : "YAML")
                    + at + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException(where, "cannot read config file: " + e.getMessage(), e);
        }
        Map<String, Object> flat = new LinkedHashMap<>();
        if (root == null || root.isMissingNode() || root.isNull()) {
            return flat; // an empty file: defaults apply
        }
        if (!root.isObject()) {
            throw new ConfigException(where, "the top level must be an object of settings");
        }
        flatten("", root, flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(key + ".", value, out);
            } else {
                out.put(key, scalar(key, value));
            }
        }
    }

    private static Object scalar(String key, JsonNode value) {
        if (value.isNull()) {
            return null;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.canConvertToLong() ? (Object) value.longValue() : value.bigIntegerValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        throw new ConfigException(key, "expected a single value, found " + value.getNodeType().name().toLowerCase(Locale.ROOT));
    }
}
