package io.confbridge.store;

import io.confbridge.config.BridgeConfig;
import io.confbridge.store.support.PostgresTestSchema;

/**
 * The store contract on PostgreSQL, when {@code BRIDGE_TEST_PG_URL} names one (a JDBC URL including user
 * and password); skipped otherwise. Each test gets a schema of its own, dropped afterwards, so runs
 * neither see nor leave each other's rows.
 */
class PostgresDirectoryStoreTest extends DirectoryStoreContract {

    private PostgresTestSchema schema;

    @Override
    BridgeConfig.StoreConfig freshDatabase() {
        schema = PostgresTestSchema.createOrSkip("directory_test_");
        return new BridgeConfig.StoreConfig(schema.jdbcUrl(), "", "", 2);
    }

    @Override
    void dropDatabase() {
        schema.drop();
    }
}
