package io.confbridge.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Runs a prepared query and maps its rows: the loop every table class would otherwise write again. */
final class ResultRows {

    /** What one row of a result becomes. */
    @FunctionalInterface
    interface Row<T> {
        T of(ResultSet rs) throws SQLException;
    }

    private ResultRows() {
    }

    /** Every row, in the order the database returns them. */
    static <T> List<T> all(PreparedStatement query, Row<T> row) throws SQLException {
        List<T> all = new ArrayList<>();
        try (ResultSet rs = query.executeQuery()) {
            while (rs.next()) {
                all.add(row.of(rs));
            }
        }
        return all;
    }

    /** The first row, if there is one. */
    static <T> Optional<T> first(PreparedStatement query, Row<T> row) throws SQLException {
        try (ResultSet rs = query.executeQuery()) {
            return rs.next() ? Optional.of(row.of(rs)) : Optional.empty();
        }
    }
}
