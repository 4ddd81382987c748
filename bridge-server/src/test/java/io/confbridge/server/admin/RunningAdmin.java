package io.confbridge.server.admin;

import io.confbridge.server.support.RunningBridge;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A whole bridge, started as {@code java -jar} starts it, for the admin API and CLI tests: its admin
 * API's URL and the admin token the bridge generated into its data directory at first start.
 */
public final class RunningAdmin implements AutoCloseable {

    private final RunningBridge bridge;
    private final String adminToken;

    private RunningAdmin(RunningBridge bridge, String adminToken) {
        this.bridge = bridge;
        this.adminToken = adminToken;
    }

    public static RunningAdmin start(Path dataDir) throws Exception {
        RunningBridge bridge = RunningBridge.in(dataDir).start();
        String token = Files.readString(dataDir.resolve(AdminToken.FILE_NAME), StandardCharsets.US_ASCII).trim();
        return new RunningAdmin(bridge, token);
    }

    public RunningBridge bridge() {
        return bridge;
    }

    public String url() {
        return "http://127.0.0.1:" + bridge.server().adminPort();
    }

    public String adminToken() {
        return adminToken;
    }

    @Override
    public void close() {
        bridge.close();
    }
}
