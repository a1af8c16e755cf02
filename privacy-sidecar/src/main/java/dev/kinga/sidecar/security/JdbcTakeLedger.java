package dev.kinga.sidecar.security;

import dev.kinga.ratelimit.TakeLedger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The rate limits' ledger in the sidecar's database ({@code rate_takes}), on the caller's connection and transaction. */
final class JdbcTakeLedger implements TakeLedger {

    private final Connection connection;

    JdbcTakeLedger(Connection connection) {
        this.connection = connection;
    }

    @Override
    public void publish(String limiter, String node, long minute, Map<String, Long> takes) {
        try (PreparedStatement update = connection.prepareStatement(
                "UPDATE rate_takes SET takes = ? WHERE limiter = ? AND node = ? AND bucket_key = ? AND epoch_minute = ?");
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO rate_takes (limiter, node, bucket_key, epoch_minute, takes) VALUES (?, ?, ?, ?, ?)")) {
            for (Map.Entry<String, Long> take : takes.entrySet()) {
                update.setLong(1, take.getValue());
                update.setString(2, limiter);
                update.setString(3, node);
                update.setString(4, take.getKey());
                update.setLong(5, minute);
                if (update.executeUpdate() == 0) { // only this node writes its rows: no other insert races this one
                    insert.setString(1, limiter);
                    insert.setString(2, node);
                    insert.setString(3, take.getKey());
                    insert.setLong(4, minute);
                    insert.setLong(5, take.getValue());
                    insert.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("rate_takes could not be written", e);
        }
    }

    @Override
    public List<Takes> others(String limiter, String node, long fromMinute) {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT node, bucket_key, epoch_minute, takes FROM rate_takes WHERE limiter = ? AND epoch_minute >= ? AND node <> ?")) {
            select.setString(1, limiter);
            select.setLong(2, fromMinute);
            select.setString(3, node);
            List<Takes> others = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    others.add(new Takes(rows.getString(1), rows.getString(2), rows.getLong(3), rows.getLong(4)));
                }
            }
            return others;
        } catch (SQLException e) {
            throw new IllegalStateException("rate_takes could not be read", e);
        }
    }

    @Override
    public void forget(String limiter, long beforeMinute) {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM rate_takes WHERE limiter = ? AND epoch_minute < ?")) {
            delete.setString(1, limiter);
            delete.setLong(2, beforeMinute);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("rate_takes could not be pruned", e);
        }
    }
}
