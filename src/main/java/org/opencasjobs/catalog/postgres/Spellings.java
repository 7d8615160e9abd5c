package org.opencasjobs.catalog.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opencasjobs.dialect.StarColumns;
import org.opencasjobs.dialect.Target;

/**
 * How SQL Server and SDSS spell the names PostgreSQL folded to lower case ({@code PhotoObjAll},
 * {@code objID}): the catalog's tables are created unquoted, so the database itself only knows
 * {@code photoobjall} and {@code objid}. Kept in the database ({@link #TABLE}, one row per
 * context, table or view and column), so that every node reads the same: written by whoever
 * creates a context's tables as the database's owner (the Sample's generator, {@code context
 * load}), read by the browsing views and when a result's {@code *} columns are labelled.
 */
public final class Spellings {
    /** The table of spellings, made by {@link #create} (before the browsing views, which read it). */
    public static final String TABLE = Target.POSTGRESQL_INFORMATION_SCHEMA + ".spellings";

    /**
     * What a result column is spelled by: the OID of the table or view PostgreSQL says it was read
     * from (0 when it says none), else {@code schema} (null: none), and the column's label.
     */
    public record Source(long table, String schema, String column) {
    }

    private Spellings() {
    }

    /** Creates the table if missing (the owner's connection). */
    public static void create(Connection owner) throws SQLException {
        try (Statement s = owner.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + Target.POSTGRESQL_INFORMATION_SCHEMA);
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (schema_name text NOT NULL, table_name text NOT NULL,"
                    + " column_name text NOT NULL, spelling text NOT NULL,"
                    + " PRIMARY KEY (schema_name, table_name, column_name))");
            s.execute("CREATE INDEX IF NOT EXISTS spellings_by_column ON " + TABLE + " (schema_name, column_name)");
        }
    }

    /** Records how context schema {@code schema} is spelled (its context's name as configured). */
    public static void context(Connection owner, String schema, String spelling) throws SQLException {
        write(owner, List.<String[]>of(new String[] {schema, "", "", spelling}));
    }

    /**
     * Records a table or view of {@code schema} as spelled, and its columns (none for a view,
     * whose columns take their tables' spellings); an earlier spelling of the same name is replaced.
     */
    public static void table(Connection owner, String schema, String table, Collection<String> columns)
            throws SQLException {
        String s = schema.toLowerCase(Locale.ROOT);
        String t = table.toLowerCase(Locale.ROOT);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {s, t, "", table});
        for (String c : columns) {
            rows.add(new String[] {s, t, c.toLowerCase(Locale.ROOT), c});
        }
        write(owner, rows);
    }

    /** Whether anything of {@code schema} is spelled yet. */
    public static boolean recorded(Connection owner, String schema) throws SQLException {
        create(owner);
        try (PreparedStatement ps = owner.prepareStatement("SELECT 1 FROM " + TABLE + " WHERE schema_name = ?"
                + " AND table_name <> '' LIMIT 1")) {
            ps.setString(1, schema.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The tables and columns of {@code schema} as spelled: rows of table, column ("" for the table) and spelling. */
    public static List<String[]> of(Connection owner, String schema) throws SQLException {
        List<String[]> out = new ArrayList<>();
        try (PreparedStatement ps = owner.prepareStatement("SELECT table_name, column_name, spelling FROM " + TABLE
                + " WHERE schema_name = ? AND table_name <> ''")) {
            ps.setString(1, schema.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        return out;
    }

    /** Records {@code rows} (as {@link #of(Connection, String)} gives them) as {@code schema}'s. */
    public static void put(Connection owner, String schema, List<String[]> rows) throws SQLException {
        String s = schema.toLowerCase(Locale.ROOT);
        write(owner, rows.stream().map(r -> new String[] {s, r[0], r[1], r[2]}).toList());
    }

    private static void write(Connection owner, List<String[]> rows) throws SQLException {
        create(owner);
        try (PreparedStatement ps = owner.prepareStatement("INSERT INTO " + TABLE
                + " (schema_name, table_name, column_name, spelling) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (schema_name, table_name, column_name) DO UPDATE SET spelling = EXCLUDED.spelling")) {
            for (String[] r : rows) {
                for (int i = 0; i < 4; i++) {
                    ps.setString(i + 1, r[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Where each column a {@code *} of {@code statement} gave ({@link StarColumns}) was read from,
     * to be spelled by: the table PostgreSQL's row description names, or, where it names none (a
     * function's result), {@code currentSchema} (null in MyDB: nothing there is spelled). Null
     * for every other column; an empty list when no column is to be spelled at all.
     */
    public static List<Source> sources(ResultSet rs, String statement, String currentSchema) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        List<String> labels = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            labels.add(md.getColumnLabel(i));
        }
        boolean[] star = StarColumns.of(statement, labels);
        List<Source> out = new ArrayList<>();
        boolean any = false;
        long[] tables = null;
        for (int i = 0; i < star.length; i++) {
            Source source = null;
            if (star[i]) {
                tables = tables != null ? tables : RowDescription.tableOids(md);
                source = tables[i] != 0 || currentSchema != null ? new Source(tables[i], currentSchema, labels.get(i)) : null;
            }
            any |= source != null;
            out.add(source);
        }
        return any ? out : List.of();
    }

    /** {@code rs} with the columns of {@code sources} labelled as spelled, read on the owner's connection. */
    public static ResultSet relabelled(ResultSet rs, Connection owner, List<Source> sources) throws SQLException {
        Map<Integer, String> spelled = of(owner, sources);
        return spelled.isEmpty() ? rs : RelabelledRows.of(rs, spelled);
    }

    /**
     * The spelling of each column in {@code columns} that the catalog knows, by the column's
     * position there: its table's own, else the one most tables of that schema use (a view's
     * columns, a function's). Columns of schemas nobody recorded (an account's MyDB) have none.
     */
    static Map<Integer, String> of(Connection owner, List<Source> columns) throws SQLException {
        Map<Integer, String> out = new HashMap<>();
        List<Integer> asked = new ArrayList<>();
        List<String> schemas = new ArrayList<>();
        List<Long> tables = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            Source c = columns.get(i);
            if (c != null) {
                asked.add(i);
                schemas.add(c.schema());
                tables.add(c.table());
                names.add(c.column());
            }
        }
        if (asked.isEmpty()) {
            return out;
        }
        // one round trip for all of them, set-based (a subquery per column took 40 ms for 174 of them);
        // a table's own spelling first, else the one most of the schema's tables use
        try (PreparedStatement ps = owner.prepareStatement("WITH q AS (SELECT q.i, COALESCE(n.nspname, q.sch) AS sch,"
                + " c.relname AS tab, q.col FROM unnest(?::int8[], ?::text[], ?::text[]) WITH ORDINALITY AS q(tab, sch, col, i)"
                + " LEFT JOIN pg_catalog.pg_class c ON c.oid = CAST(NULLIF(q.tab, 0) AS oid)"
                + " LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace),"
                + " ranked AS (SELECT q.i, s.spelling, row_number() OVER (PARTITION BY q.i ORDER BY"
                + " bool_or(s.table_name = q.tab) DESC, count(*) DESC, s.spelling COLLATE \"C\") AS r"
                + " FROM q JOIN " + TABLE + " s ON s.schema_name = q.sch AND s.column_name = q.col AND s.table_name <> ''"
                + " GROUP BY q.i, q.tab, s.spelling)"
                + " SELECT i, spelling FROM ranked WHERE r = 1")) {
            ps.setArray(1, owner.createArrayOf("int8", tables.toArray()));
            ps.setArray(2, owner.createArrayOf("text", schemas.toArray()));
            ps.setArray(3, owner.createArrayOf("text", names.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = asked.get(rs.getInt(1) - 1);
                    String spelling = rs.getString(2);
                    if (spelling != null && !spelling.equals(columns.get(i).column())) {
                        out.put(i, spelling);
                    }
                }
            }
        }
        return out;
    }
}
