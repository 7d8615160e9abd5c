package org.opencasjobs.catalog.postgres;

import java.lang.reflect.Field;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import org.postgresql.jdbc.PgResultSetMetaData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The table each column of a result was read from, as PostgreSQL's RowDescription message names
 * it (a table's or view's OID, 0 for an expression or a function's result). PgJDBC has it for
 * every column, but hands out only the table's name ({@code getBaseTableName}), which it first
 * looks up with one catalog query ORing a condition per column: 77 ms for PhotoObjAll's 174
 * columns on this loaded machine, against 5 ms for the spellings themselves (SpellingsTest). So
 * the OIDs are read from PgJDBC's own fields; if a PgJDBC version keeps them elsewhere, every column counts as not read from a
 * table (0), and the current context spells it.
 */
final class RowDescription {
    private static final Logger LOG = LoggerFactory.getLogger(RowDescription.class);
    private static final Field FIELDS = fieldsOf();

    private RowDescription() {
    }

    private static Field fieldsOf() {
        try {
            Field f = PgResultSetMetaData.class.getDeclaredField("fields");
            f.setAccessible(true);
            return f;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("PgJDBC's result metadata has no readable fields ({}): a SELECT *'s columns are spelled"
                    + " by the current context only", e.toString());
            return null;
        }
    }

    /** By column (0-based), the OID of the relation it was read from, or 0. */
    static long[] tableOids(ResultSetMetaData md) throws SQLException {
        long[] out = new long[md.getColumnCount()];
        if (FIELDS == null || !md.isWrapperFor(PgResultSetMetaData.class)) {
            return out;
        }
        try {
            Object[] fields = (Object[]) FIELDS.get(md.unwrap(PgResultSetMetaData.class));
            for (int i = 0; i < out.length && i < fields.length; i++) {
                out[i] = Integer.toUnsignedLong(((org.postgresql.core.Field) fields[i]).getTableOid());
            }
        } catch (IllegalAccessException | ClassCastException e) {
            LOG.debug("no table OIDs from PgJDBC's result metadata", e);
        }
        return out;
    }
}
