package io.confbridge.config;

import java.nio.file.Path;
import java.util.Map;

/** Loads {@link BridgeConfig}: embedded defaults, then a JSON/YAML file, then overrides; then validates. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** The embedded defaults alone. */
    public static BridgeConfig defaults() {
        return load(null, Map.of());
    }

    /**
     * @param file      a JSON ({@code .json}) or YAML ({@code .yaml}/{@code .yml}) file, or null for none
     * @param overrides dotted keys ({@code sip.port}) or environment names ({@code BRIDGE_SIP_PORT}) to values
     * @throws ConfigException naming the key and the allowed range of the first bad value
     */
    public static BridgeConfig load(Path file, Map<String, String> overrides) {
        throw new UnsupportedOperationException("helper A implements this");
    }
}
