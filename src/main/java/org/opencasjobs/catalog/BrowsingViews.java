package org.opencasjobs.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.opencasjobs.jobs.MyDb;

/**
 * The views through which a user sees what the current context holds, shaped as SQL Server shapes
 * them: {@code information_schema.tables} and {@code .columns} (read from {@link MyDb#INFO_SCHEMA},
 * where the translator sends them) and {@code sys.tables}, {@code sys.views}, {@code sys.objects},
 * {@code sys.columns} and {@code sys.types}, plus {@code OBJECT_ID('name')}.
 *
 * <p>They live in each account's MyDB database and list the schema that is current when they are
 * read: in a context, that context's tables and views (linked tables here); in MyDB, the user's own.
 * Another user's tables are in another database, so no view here can list them. Types are SQL
 * Server's names ({@code bigint}, {@code float}, {@code varchar}), as CasJobs users read them.
 */
public final class BrowsingViews {
    /** SQL Server's schema of catalog views; every account's database has one. */
    static final String SYS = "sys";
    /** The class whose static method is {@code OBJECT_ID}. */
    private static final String OBJECT_ID_METHOD = BrowsingViews.class.getName() + ".objectId";

    /**
     * A context's table or view as the context itself reports it: here they are all linked tables,
     * so what each one is and its description are kept beside them.
     */
    record ContextObject(String schema, String name, boolean view, String remarks) {
    }

    /** An engine type as SQL Server names it, with its {@code sys.types} numbers. */
    private record SqlServerType(String h2, String name, int id, int maxLength, int precision, int radix) {
    }

    /** H2's DATA_TYPE → SQL Server's; a type not listed keeps H2's name in lower case. */
    private static final List<SqlServerType> TYPES = List.of(
            new SqlServerType("BIGINT", "bigint", 127, 8, 19, 10),
            new SqlServerType("INTEGER", "int", 56, 4, 10, 10),
            new SqlServerType("SMALLINT", "smallint", 52, 2, 5, 10),
            new SqlServerType("TINYINT", "tinyint", 48, 1, 3, 10),
            new SqlServerType("BOOLEAN", "bit", 104, 1, 1, 0),
            new SqlServerType("REAL", "real", 59, 4, 24, 2),
            new SqlServerType("DOUBLE PRECISION", "float", 62, 8, 53, 2),
            new SqlServerType("DECFLOAT", "float", 62, 8, 53, 2),
            new SqlServerType("NUMERIC", "decimal", 106, 17, 38, 10),
            new SqlServerType("CHARACTER VARYING", "varchar", 167, 8000, 0, 0),
            new SqlServerType("VARCHAR_IGNORECASE", "varchar", 167, 8000, 0, 0),
            new SqlServerType("CHARACTER", "char", 175, 8000, 0, 0),
            new SqlServerType("CHARACTER LARGE OBJECT", "varchar(max)", 167, -1, 0, 0),
            new SqlServerType("BINARY VARYING", "varbinary", 165, 8000, 0, 0),
            new SqlServerType("BINARY", "binary", 173, 8000, 0, 0),
            new SqlServerType("BINARY LARGE OBJECT", "varbinary(max)", 165, -1, 0, 0),
            new SqlServerType("DATE", "date", 40, 3, 10, 0),
            new SqlServerType("TIME", "time", 41, 5, 16, 0),
            new SqlServerType("TIMESTAMP", "datetime2", 42, 8, 27, 0),
            new SqlServerType("TIMESTAMP WITH TIME ZONE", "datetimeoffset", 43, 10, 34, 0),
            new SqlServerType("UUID", "uniqueidentifier", 36, 16, 0, 0));

    private BrowsingViews() {
    }

    /**
     * The views in a database whose schemas hold their tables and views themselves (no linked
     * tables to describe), readable by {@code user}: what a test compares another engine with.
     */
    public static void install(Connection admin, String user) throws SQLException {
        install(admin, user, List.of());
    }

    /**
     * Creates or replaces the views in an account's database and records what the contexts hold;
     * run by its admin at every opening, so the views follow the contexts' current tables.
     */
    static void install(Connection admin, String user, List<ContextObject> contextObjects) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + MyDb.INFO_SCHEMA);
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SYS);
            s.execute("CREATE TABLE IF NOT EXISTS " + MyDb.INFO_SCHEMA + ".CONTEXT_OBJECTS (TABLE_SCHEMA VARCHAR(128),"
                    + " TABLE_NAME VARCHAR(128), TABLE_TYPE VARCHAR(10), REMARKS VARCHAR(4000),"
                    + " PRIMARY KEY (TABLE_SCHEMA, TABLE_NAME))");
            s.execute("DELETE FROM " + MyDb.INFO_SCHEMA + ".CONTEXT_OBJECTS");
            try (PreparedStatement ps = admin.prepareStatement("INSERT INTO " + MyDb.INFO_SCHEMA
                    + ".CONTEXT_OBJECTS VALUES (?, ?, ?, ?)")) {
                for (ContextObject o : contextObjects) {
                    ps.setString(1, o.schema());
                    ps.setString(2, o.name());
                    ps.setString(3, o.view() ? "VIEW" : "BASE TABLE");
                    ps.setString(4, o.remarks());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            s.execute("CREATE OR REPLACE VIEW " + MyDb.INFO_SCHEMA + ".OBJECTS AS " + objects());
            s.execute("CREATE OR REPLACE VIEW " + MyDb.INFO_SCHEMA + ".TABLES AS SELECT TABLE_CATALOG,"
                    + " TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM " + MyDb.INFO_SCHEMA + ".OBJECTS");
            s.execute("CREATE OR REPLACE VIEW " + MyDb.INFO_SCHEMA + ".COLUMNS AS " + columns());
            s.execute("CREATE OR REPLACE VIEW " + SYS + ".types AS " + types());
            String sysObject = "SELECT name, object_id, 1 AS schema_id, 0 AS parent_object_id, type, type_desc,"
                    + " remarks AS description FROM " + MyDb.INFO_SCHEMA + ".OBJECTS";
            s.execute("CREATE OR REPLACE VIEW " + SYS + ".objects AS " + sysObject);
            s.execute("CREATE OR REPLACE VIEW " + SYS + ".tables AS " + sysObject + " WHERE type = 'U'");
            s.execute("CREATE OR REPLACE VIEW " + SYS + ".views AS " + sysObject + " WHERE type = 'V'");
            s.execute("CREATE OR REPLACE VIEW " + SYS + ".columns AS " + sysColumns());
            for (String schema : List.of(SYS, "PUBLIC")) { // sys.OBJECT_ID, and OBJECT_ID as SQL Server has it
                s.execute("DROP ALIAS IF EXISTS " + schema + ".OBJECT_ID");
                s.execute("CREATE ALIAS " + schema + ".OBJECT_ID FOR '" + OBJECT_ID_METHOD + "'");
            }
            s.execute("GRANT SELECT ON SCHEMA " + MyDb.INFO_SCHEMA + " TO " + user);
            s.execute("GRANT SELECT ON SCHEMA " + SYS + " TO " + user);
        }
    }

    /**
     * One row per table or view of the current schema: SQL Server's INFORMATION_SCHEMA.TABLES
     * columns, and what sys.objects needs. {@code object_id} is a hash of schema and name, the
     * same {@link #objectId} computes; the catalog is the context's name (MyDB for MyDB).
     */
    private static String objects() {
        return "SELECT CAST(t.TABLE_SCHEMA AS VARCHAR(128)) AS TABLE_CATALOG, CAST('dbo' AS VARCHAR(128)) AS TABLE_SCHEMA,"
                + " t.TABLE_NAME, CAST(COALESCE(o.TABLE_TYPE, CASE WHEN t.TABLE_TYPE = 'VIEW' THEN 'VIEW'"
                + " ELSE 'BASE TABLE' END) AS VARCHAR(10)) AS TABLE_TYPE, " + objectIdOf("t") + " AS object_id,"
                + " t.TABLE_NAME AS name,"
                + " CAST(CASE WHEN COALESCE(o.TABLE_TYPE, t.TABLE_TYPE) = 'VIEW' THEN 'V' ELSE 'U' END AS CHAR(2)) AS type,"
                + " CAST(CASE WHEN COALESCE(o.TABLE_TYPE, t.TABLE_TYPE) = 'VIEW' THEN 'VIEW' ELSE 'USER_TABLE' END"
                + " AS VARCHAR(60)) AS type_desc, COALESCE(o.REMARKS, t.REMARKS) AS remarks"
                + " FROM INFORMATION_SCHEMA.TABLES t LEFT JOIN " + MyDb.INFO_SCHEMA + ".CONTEXT_OBJECTS o"
                + " ON o.TABLE_SCHEMA = t.TABLE_SCHEMA AND o.TABLE_NAME = t.TABLE_NAME"
                + " WHERE t.TABLE_SCHEMA = CURRENT_SCHEMA AND t.TABLE_NAME NOT LIKE '~%'"; // not the tables being written
    }

    private static String objectIdOf(String alias) {
        return "CAST(BITAND(ORA_HASH(" + alias + ".TABLE_SCHEMA || '.' || " + alias + ".TABLE_NAME), 2147483647) AS INT)";
    }

    private static String columns() {
        return "SELECT CAST(c.TABLE_SCHEMA AS VARCHAR(128)) AS TABLE_CATALOG, CAST('dbo' AS VARCHAR(128)) AS TABLE_SCHEMA,"
                + " c.TABLE_NAME, c.COLUMN_NAME, c.ORDINAL_POSITION, c.COLUMN_DEFAULT, c.IS_NULLABLE,"
                + " " + typeName("c.DATA_TYPE") + " AS DATA_TYPE,"
                + " CAST(c.CHARACTER_MAXIMUM_LENGTH AS INT) AS CHARACTER_MAXIMUM_LENGTH,"
                + " CAST(CASE WHEN c.DATA_TYPE = 'NUMERIC' THEN c.NUMERIC_PRECISION ELSE " + typeField("c.DATA_TYPE", "precision")
                + " END AS TINYINT) AS NUMERIC_PRECISION,"
                + " CAST(" + typeField("c.DATA_TYPE", "radix") + " AS SMALLINT) AS NUMERIC_PRECISION_RADIX,"
                + " CAST(CASE WHEN c.DATA_TYPE IN ('BIGINT', 'INTEGER', 'SMALLINT', 'TINYINT', 'NUMERIC')"
                + " THEN COALESCE(c.NUMERIC_SCALE, 0) END AS INT) AS NUMERIC_SCALE,"
                + " " + objectIdOf("c") + " AS object_id, c.DATA_TYPE AS engine_type, c.REMARKS AS remarks"
                + " FROM INFORMATION_SCHEMA.COLUMNS c WHERE c.TABLE_SCHEMA = CURRENT_SCHEMA AND c.TABLE_NAME NOT LIKE '~%'";
    }

    private static String sysColumns() {
        return "SELECT object_id, COLUMN_NAME AS name, ORDINAL_POSITION AS column_id,"
                + " CAST(" + typeField("engine_type", "id") + " AS SMALLINT) AS system_type_id,"
                + " CAST(" + typeField("engine_type", "id") + " AS INT) AS user_type_id,"
                + " CAST(CASE WHEN CHARACTER_MAXIMUM_LENGTH IS NOT NULL AND CHARACTER_MAXIMUM_LENGTH <= 8000"
                + " THEN CHARACTER_MAXIMUM_LENGTH ELSE " + typeField("engine_type", "maxLength") + " END AS SMALLINT) AS max_length,"
                + " CAST(COALESCE(NUMERIC_PRECISION, 0) AS TINYINT) AS precision,"
                + " CAST(COALESCE(NUMERIC_SCALE, 0) AS TINYINT) AS scale,"
                + " CAST(CASE WHEN IS_NULLABLE = 'YES' THEN 1 ELSE 0 END AS BIT) AS is_nullable, remarks AS description"
                + " FROM " + MyDb.INFO_SCHEMA + ".COLUMNS";
    }

    private static String types() {
        StringBuilder sql = new StringBuilder("SELECT * FROM (VALUES ");
        List<SqlServerType> distinct = TYPES.stream().filter(t -> !t.name().contains("(")).toList();
        java.util.Set<String> seen = new java.util.HashSet<>();
        boolean first = true;
        for (SqlServerType t : distinct) {
            if (!seen.add(t.name())) {
                continue;
            }
            sql.append(first ? "" : ", ").append("('").append(t.name()).append("', ").append(t.id()).append(", ")
                    .append(t.id()).append(", ").append(t.maxLength()).append(", ").append(t.precision()).append(")");
            first = false;
        }
        return sql.append(") AS v(name, system_type_id, user_type_id, max_length, precision)").toString();
    }

    /** A CASE over H2's type names giving SQL Server's name; other types keep H2's, in lower case. */
    private static String typeName(String column) {
        StringBuilder sql = new StringBuilder("CAST(CASE " + column);
        for (SqlServerType t : TYPES) {
            sql.append(" WHEN '").append(t.h2()).append("' THEN '").append(t.name()).append("'");
        }
        return sql.append(" ELSE LOWER(").append(column).append(") END AS VARCHAR(128))").toString();
    }

    private static String typeField(String column, String field) {
        StringBuilder sql = new StringBuilder("CASE " + column);
        for (SqlServerType t : TYPES) {
            int v = switch (field) {
                case "id" -> t.id();
                case "maxLength" -> t.maxLength();
                case "precision" -> t.precision();
                default -> t.radix();
            };
            sql.append(" WHEN '").append(t.h2()).append("' THEN ").append(v);
        }
        return sql.append(" END").toString();
    }

    /**
     * {@code OBJECT_ID('name')}: the {@code object_id} of a table or view of the current schema
     * ({@code 'mydb.T'}, {@code 'MyDB.dbo.T'} and {@code '[T]'} name one of MyDB, and any other
     * qualifier one of the current context), or NULL if there is none, as in SQL Server.
     * Called by H2 with the user's own connection, so it sees what the user may see.
     */
    public static Integer objectId(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        String[] parts = name.trim().split("\\.");
        String table = unbracket(parts[parts.length - 1]);
        boolean mydb = parts.length > 1 && MyDb.is(unbracket(parts[0]));
        try (PreparedStatement ps = c.prepareStatement("SELECT " + objectIdOf("t") + " FROM INFORMATION_SCHEMA.TABLES t"
                + " WHERE t.TABLE_SCHEMA = " + (mydb ? "'" + MyDb.NAME + "'" : "CURRENT_SCHEMA")
                + " AND UPPER(t.TABLE_NAME) = UPPER(?)")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : null;
            }
        }
    }

    private static String unbracket(String part) {
        String p = part.trim();
        return p.length() >= 2 && (p.startsWith("[") && p.endsWith("]") || p.startsWith("\"") && p.endsWith("\""))
                ? p.substring(1, p.length() - 1) : p;
    }
}
