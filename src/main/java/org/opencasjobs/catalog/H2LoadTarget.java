package org.opencasjobs.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import org.h2.api.ErrorCode;

/**
 * A catalog load into a managed context's H2 database: the rows are inserted in batches of
 * {@value #BATCH_ROWS} into {@code "context"."~load~…"} in one transaction, so a failure rolls
 * them all back and the staging table is dropped; a killed loader's staging table is dropped when
 * the context is next opened ({@link StagingTables#dropLeftovers(Connection, String)}).
 */
final class H2LoadTarget implements LoadTarget {
    static final int BATCH_ROWS = 5000;

    private final Connection admin;
    private final String schema;
    private final String table;
    private final String staging = StagingTables.newName("load");
    private int[] sqlTypes;
    private PreparedStatement insert;
    private int pending;
    private boolean created;

    /** Loads into {@code schema.table} over the context's admin connection {@code admin}. */
    H2LoadTarget(Connection admin, String schema, String table) {
        this.admin = admin;
        this.schema = schema;
        this.table = table;
    }

    private String stagingName() {
        return H2Catalog.quote(schema) + "." + H2Catalog.quote(staging);
    }

    @Override
    public void create(List<LoadColumn> cols) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(stagingName()).append(" (");
        StringBuilder marks = new StringBuilder();
        sqlTypes = new int[cols.size()];
        for (int i = 0; i < cols.size(); i++) {
            ddl.append(i == 0 ? "" : ", ").append(H2Catalog.quote(cols.get(i).name())).append(' ').append(cols.get(i).sqlType());
            marks.append(i == 0 ? "?" : ", ?");
            sqlTypes[i] = jdbcType(cols.get(i).kind());
        }
        try (Statement st = admin.createStatement()) {
            st.execute(ddl.append(')').toString());
        }
        created = true;
        admin.setAutoCommit(false);
        insert = admin.prepareStatement("INSERT INTO " + stagingName() + " VALUES (" + marks + ")");
    }

    private static int jdbcType(LoadColumn.Kind k) {
        return switch (k) {
            case TINYINT -> Types.TINYINT;
            case SMALLINT -> Types.SMALLINT;
            case INT -> Types.INTEGER;
            case BIGINT -> Types.BIGINT;
            case REAL -> Types.REAL;
            case FLOAT -> Types.DOUBLE;
            case BOOLEAN -> Types.BOOLEAN;
            case VARCHAR -> Types.VARCHAR;
        };
    }

    @Override
    public void add(Object[] values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] == null) {
                insert.setNull(i + 1, sqlTypes[i]);
            } else {
                insert.setObject(i + 1, values[i], sqlTypes[i]);
            }
        }
        insert.addBatch();
        if (++pending == BATCH_ROWS) {
            flush();
        }
    }

    private void flush() throws SQLException {
        if (pending > 0) {
            insert.executeBatch();
            pending = 0;
        }
    }

    @Override
    public void complete() throws SQLException {
        flush();
        admin.commit();
        admin.setAutoCommit(true);
    }

    @Override
    public void primaryKey(String column) throws SQLException {
        String col = H2Catalog.quote(column);
        try (Statement st = admin.createStatement()) {
            // the constraint is tried first: the scans that find an example run only when it fails
            try {
                st.execute("ALTER TABLE " + stagingName() + " ALTER COLUMN " + col + " SET NOT NULL");
            } catch (SQLException e) {
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + stagingName() + " WHERE " + col + " IS NULL")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        long n = rs.getLong(1);
                        throw new IllegalArgumentException("--key " + column + ": " + n + (n == 1 ? " row has" : " rows have")
                                + " no value in column " + column + ", and a primary key needs one in every row.");
                    }
                }
                throw e;
            }
            try {
                st.execute("ALTER TABLE " + stagingName() + " ADD CONSTRAINT " + H2Catalog.quote("PK_" + table)
                        + " PRIMARY KEY (" + col + ")");
            } catch (SQLException e) {
                if (e.getErrorCode() != ErrorCode.DUPLICATE_KEY_1) {
                    throw e;
                }
                try (ResultSet rs = st.executeQuery("SELECT TOP 1 " + col + ", COUNT(*) FROM " + stagingName()
                        + " GROUP BY " + col + " HAVING COUNT(*) > 1")) {
                    if (rs.next()) {
                        throw new IllegalArgumentException("--key " + column + ": the value " + rs.getString(1) + " is in "
                                + rs.getLong(2) + " rows, and a primary key needs each value once.");
                    }
                }
                throw e;
            }
        }
    }

    @Override
    public void index(String column) throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("CREATE INDEX " + H2Catalog.quote("IX_" + table + "_" + column) + " ON " + stagingName()
                    + " (" + H2Catalog.quote(column) + ")");
        }
    }

    @Override
    public void publish() throws SQLException {
        try (Statement st = admin.createStatement()) {
            st.execute("ALTER TABLE " + stagingName() + " RENAME TO " + H2Catalog.quote(table));
            created = false;
            st.execute("ANALYZE TABLE " + H2Catalog.quote(schema) + "." + H2Catalog.quote(table));
        }
    }

    @Override
    public void discard() {
        try {
            if (!admin.getAutoCommit()) {
                admin.rollback();
                admin.setAutoCommit(true);
            }
        } catch (SQLException ignored) {
            // the drop below is what matters
        }
        if (created) {
            try (Statement st = admin.createStatement()) {
                st.execute("DROP TABLE IF EXISTS " + stagingName());
                created = false;
            } catch (SQLException e) {
                throw new IllegalStateException("The staging table " + schema + "." + staging + " could not be dropped"
                        + " (" + LoadFile.oneLine(e) + "); it is dropped when the context is next opened.", e);
            }
        }
    }

    @Override
    public void close() throws SQLException {
        if (insert != null) {
            insert.close();
        }
    }
}
