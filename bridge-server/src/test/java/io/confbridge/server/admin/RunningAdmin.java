package io.confbridge.server.admin;

import io.confbridge.config.BridgeConfig;

/**
 * An admin API listening on 127.0.0.1 for a test class, with its admin token.
 */
public final class RunningAdmin implements AutoCloseable {

    private final AdminHttpServer server;
    private final String adminToken;

    private RunningAdmin(AdminHttpServer server, String adminToken) {
        this.server = server;
        this.adminToken = adminToken;
    }

    public static RunningAdmin start() throws Exception {
        String token = "test-admin-token";
        AdminHttpServer server = AdminHttpServer.start(new BridgeConfig.AdminConfig("127.0.0.1", 0, token),
                new InMemoryAdministration(), token);
        return new RunningAdmin(server, token);
    }

    public String url() {
        return "http://127.0.0.1:" + server.port();
    }

    public String adminToken() {
        return adminToken;
    }

    @Override
    public void close() {
        server.close();
    }
}
