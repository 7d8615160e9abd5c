package org.opencasjobs.catalog.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.opencasjobs.dialect.Target;

/**
 * SQL Server's browsing views on PostgreSQL, as {@code catalog.BrowsingViews} gives them on H2:
 * {@code information_schema.tables} and {@code .columns} (schema
 * {@link Target#POSTGRESQL_INFORMATION_SCHEMA}, where the dialect sends them), {@code sys.tables},
 * {@code .views}, {@code .objects}, {@code .columns}, {@code .types} and {@code OBJECT_ID} (in
 * {@code dbo}, so that it resolves unqualified). They list the schema first on the caller's
 * search_path (the job's context, or its own MyDB) and only what the caller may read there, names
 * spelled as {@link Spellings} has them. One script ({@link #SCRIPT}), run by the owner at every start.
 */
public final class PostgresBrowsingViews {
    static final String SCRIPT = "/org/opencasjobs/catalog/postgres/browsing.sql";
    /** The views users read (the others are their parts: users need no right on those). */
    private static final List<String> VIEWS = List.of(Target.POSTGRESQL_INFORMATION_SCHEMA + ".tables",
            Target.POSTGRESQL_INFORMATION_SCHEMA + ".columns", "sys.objects", "sys.tables", "sys.views", "sys.columns",
            "sys.types");
    /** How SQL Server spells the columns of its information_schema views (PostgreSQL's are lower case). */
    private static final Map<String, List<String>> INFORMATION_COLUMNS = Map.of(
            "tables", List.of("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "TABLE_TYPE"),
            "columns", List.of("TABLE_CATALOG", "TABLE_SCHEMA", "TABLE_NAME", "COLUMN_NAME", "ORDINAL_POSITION",
                    "COLUMN_DEFAULT", "IS_NULLABLE", "DATA_TYPE", "CHARACTER_MAXIMUM_LENGTH", "NUMERIC_PRECISION",
                    "NUMERIC_PRECISION_RADIX", "NUMERIC_SCALE"));

    private PostgresBrowsingViews() {
    }

    /**
     * Creates or replaces the views and lets {@code group} (every account's role) read them;
     * records each context schema's name as configured ({@code contexts}: schema → name), so
     * that TABLE_CATALOG says {@code Sample}.
     */
    public static void install(Connection owner, String group, Map<String, String> contexts) throws SQLException {
        Spellings.create(owner);
        try (Statement s = owner.createStatement()) {
            s.execute(script());
            for (String view : VIEWS) {
                s.execute("GRANT SELECT ON " + view + " TO " + group);
            }
            for (String schema : List.of("sys", Target.POSTGRESQL_INFORMATION_SCHEMA)) {
                s.execute("GRANT USAGE ON SCHEMA " + schema + " TO " + group);
            }
            s.execute("GRANT EXECUTE ON FUNCTION dbo.object_id(text), sys.object_id(text) TO " + group);
        }
        for (Map.Entry<String, List<String>> e : INFORMATION_COLUMNS.entrySet()) {
            Spellings.table(owner, Target.POSTGRESQL_INFORMATION_SCHEMA, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> c : contexts.entrySet()) {
            Spellings.context(owner, c.getKey(), c.getValue());
        }
    }

    private static String script() {
        try (InputStream in = PostgresBrowsingViews.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SCRIPT, e);
        }
    }
}
