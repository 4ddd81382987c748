package io.confbridge.admin;

import io.confbridge.config.BridgeConfig;
import io.confbridge.store.support.PostgresTestSchema;

/**
 * The administration contract on PostgreSQL, when {@code BRIDGE_TEST_PG_URL} names one (a JDBC URL with
 * user and password); skipped otherwise. Each test runs in a schema of its own, dropped afterwards.
 */
class PostgresDialInAdministrationTest extends DialInAdministrationContract {

    private PostgresTestSchema schema;

    @Override
    BridgeConfig.StoreConfig freshDatabase() {
        schema = PostgresTestSchema.createOrSkip("admin_test_");
        return new BridgeConfig.StoreConfig(schema.jdbcUrl(), "", "", 2);
    }

    @Override
    void dropDatabase() {
        schema.drop();
    }
}
