package org.opencasjobs.store;

import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.opencasjobs.jobs.Account;

/** The accounts table of a SQL database reached through JDBC. */
public final class JdbcAccountStore implements AccountStore {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "wsid, username, password_hash, is_admin, disabled, created";

    private final DataSource ds;

    public JdbcAccountStore(DataSource ds) {
        this.ds = ds;
    }

    @Override
    public Account create(String username, String passwordHash, boolean admin, LocalDateTime now) {
        return JdbcWork.query(ds, c -> {
            if (findByName(username).isPresent()) {
                throw new IllegalArgumentException("An account named '" + username + "' exists already.");
            }
            while (true) {
                long wsid = 100_000_000L + RANDOM.nextInt(900_000_000);
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO accounts (" + COLUMNS + ") VALUES (?, ?, ?, ?, FALSE, ?)")) {
                    ps.setLong(1, wsid);
                    ps.setString(2, username);
                    ps.setString(3, passwordHash);
                    ps.setBoolean(4, admin);
                    ps.setTimestamp(5, Timestamp.valueOf(now));
                    ps.executeUpdate();
                    return new Account(wsid, username, admin, false, now);
                } catch (SQLException e) {
                    if (find(wsid).isEmpty()) {
                        throw e; // not a wsid clash
                    }
                }
            }
        });
    }

    @Override
    public Optional<StoredAccount> find(long wsid) {
        return one("wsid = ?", wsid);
    }

    @Override
    public Optional<StoredAccount> findByName(String username) {
        return one("username = ?", username);
    }

    @Override
    public List<Account> list() {
        return JdbcWork.query(ds, c -> {
            List<Account> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM accounts ORDER BY wsid");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs).account());
                }
            }
            return out;
        });
    }

    @Override
    public boolean setPasswordHash(long wsid, String passwordHash) {
        return update("password_hash = ?", passwordHash, wsid);
    }

    @Override
    public boolean setAdmin(long wsid, boolean admin) {
        return update("is_admin = ?", admin, wsid);
    }

    @Override
    public boolean setDisabled(long wsid, boolean disabled) {
        return update("disabled = ?", disabled, wsid);
    }

    private boolean update(String set, Object value, long wsid) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET " + set + " WHERE wsid = ?")) {
                ps.setObject(1, value);
                ps.setLong(2, wsid);
                return ps.executeUpdate() == 1;
            }
        });
    }

    @Override
    public boolean isEmpty() {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM accounts");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        });
    }

    private Optional<StoredAccount> one(String where, Object key) {
        return JdbcWork.query(ds, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM accounts WHERE " + where)) {
                ps.setObject(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    private static StoredAccount read(ResultSet rs) throws SQLException {
        Account a = new Account(rs.getLong("wsid"), rs.getString("username"), rs.getBoolean("is_admin"),
                rs.getBoolean("disabled"), rs.getTimestamp("created").toLocalDateTime());
        return new StoredAccount(a, rs.getString("password_hash"));
    }
}
