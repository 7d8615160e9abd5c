package org.opencasjobs.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.opencasjobs.catalog.BrowsingViews;
import org.opencasjobs.catalog.h2.H2Functions;
import org.opencasjobs.catalog.postgres.PostgresBrowsingViews;
import org.opencasjobs.catalog.postgres.Spellings;
import org.opencasjobs.catalog.sdss.LookupTables;
import org.opencasjobs.catalog.sdss.SdssSample;
import org.opencasjobs.catalog.sdss.SkyFunctionInstaller;
import org.opencasjobs.catalog.sdss.ZoneIndex;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.dialect.Target;
import org.opencasjobs.jobs.MyDb;
import org.opencasjobs.testing.Postgres;

/**
 * The SDSS corpus on PostgreSQL: the same generated Sample and Stripe82 in PostgreSQL (schemas
 * sample, stripe82, the SkyServer functions in dbo, the tsql functions) and in H2, each corpus query
 * translated for each engine; on PostgreSQL each case meets the corpus's own checks (reference
 * query, expectations) and answers as H2 does (same columns, same rows). A case the corpus marks
 * {@code --- postgresql differs: why} is skipped, saying why.
 */
class SdssCorpusPostgresTest {
    private static final int ROWS = 20000;
    private static final long SEED = 20240601L;
    private static final String MYDB = "mydb_1";
    private static Postgres.Database database;
    private static Connection pg;
    private static Connection h2;

    @BeforeAll
    static void generate() throws SQLException, IOException {
        database = Postgres.newDatabase();
        pg = database.connect();
        h2 = DriverManager.getConnection("jdbc:h2:mem:sdsspg;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE");
        try (Statement s = h2.createStatement()) {
            s.execute("CREATE SCHEMA \"" + MyDb.NAME + "\"");
        }
        for (String context : List.of(SdssSample.SAMPLE, SdssSample.STRIPE82)) {
            int rows = SdssSample.rowsFor(context, ROWS);
            SdssSample.generate(pg, Engine.POSTGRESQL, context, context, rows, SEED);
            LookupTables.build(pg, Engine.POSTGRESQL, context);
            try (Statement s = h2.createStatement()) {
                s.execute("CREATE SCHEMA \"" + context + "\"");
            }
            SdssSample.generate(h2, Engine.H2, context, context, rows, SEED);
            ZoneIndex.build(h2, context);
            LookupTables.build(h2, Engine.H2, context);
        }
        SkyFunctionInstaller.installPostgres(pg, SdssSample.SAMPLE);
        PostgresBrowsingViews.install(pg, database.owner(), Map.of("sample", SdssSample.SAMPLE, "stripe82", SdssSample.STRIPE82));
        SkyFunctionInstaller.install(h2);
        H2Functions.install(h2);
        try (Statement s = h2.createStatement()) {
            s.execute("CREATE USER reader PASSWORD 'reader'");
        }
        BrowsingViews.install(h2, "reader");
        try (Statement s = pg.createStatement(); InputStream in = SdssCorpusPostgresTest.class.getResourceAsStream(Target.POSTGRESQL_FUNCTIONS)) {
            s.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            s.execute("CREATE SCHEMA " + MYDB);
        }
    }

    @AfterAll
    static void close() throws SQLException {
        if (h2 != null) {
            h2.close();
        }
        if (pg != null) {
            pg.close();
        }
        if (database != null) {
            database.close();
        }
    }

    @TestFactory
    Stream<DynamicTest> sdssQueriesOnPostgresql() throws IOException {
        return QueryCorpus.load("/corpus/sdss.sql").cases().stream()
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> {
                    Assumptions.assumeTrue(c.postgresqlDiffers() == null, () -> "PostgreSQL differs: " + c.postgresqlDiffers());
                    try {
                        SdssCorpusTest.Answer got = SdssCorpusTest.check(c, SdssCorpusPostgresTest::postgresql);
                        if (c.setup() != null) {
                            h2(c.setup(), c.context());
                        }
                        SdssCorpusTest.Answer want = h2(c.query(), c.context());
                        assertEquals(want.columns(), got.columns(), "columns as on H2");
                        List<List<String>> w = SdssCorpusTest.sorted(want.rows());
                        List<List<String>> g = SdssCorpusTest.sorted(got.rows());
                        assertEquals(w.size(), g.size(), "rows as on H2");
                        for (int i = 0; i < w.size(); i++) {
                            for (int j = 0; j < w.get(i).size(); j++) {
                                String a = w.get(i).get(j);
                                String b = g.get(i).get(j);
                                int row = i;
                                int col = j;
                                assertTrue(SdssCorpusTest.same(a, b), () -> "row " + row + " column " + want.columns().get(col)
                                        + ": " + b + ", H2 gives " + a);
                            }
                        }
                    } catch (AssertionError | RuntimeException e) {
                        throw new AssertionError("[" + c.name() + "] " + e.getMessage(), e);
                    }
                }));
    }

    private static SdssCorpusTest.Answer postgresql(String sql, String context) {
        boolean myDb = MyDb.is(context);
        SqlTranslator.Translation t = SqlTranslator.quick(sql, Target.postgresql(MYDB), SdssSample.SAMPLE, SdssSample.STRIPE82);
        try (Statement s = pg.createStatement()) {
            s.execute("SET search_path = " + (myDb ? MYDB : context.toLowerCase(Locale.ROOT)) + ", dbo, tsql, public");
            return answer(s, t, myDb ? null : context.toLowerCase(Locale.ROOT));
        } catch (SQLException e) {
            throw new AssertionError(e.getMessage() + "\n" + String.join(";\n", t.statements()), e);
        }
    }

    private static SdssCorpusTest.Answer h2(String sql, String context) {
        boolean myDb = MyDb.is(context);
        SqlTranslator.Translation t = SqlTranslator.quick(sql, SdssSample.SAMPLE, SdssSample.STRIPE82);
        try (Statement s = h2.createStatement()) {
            String schema = myDb ? MyDb.NAME : context;
            s.execute("SET SCHEMA \"" + schema + "\"");
            s.execute("SET SCHEMA_SEARCH_PATH \"" + schema + "\", " + (myDb ? "\"Sample\", " : "") + "PUBLIC, dbo");
            return answer(s, t, null);
        } catch (SQLException e) {
            throw new AssertionError("on H2: " + e.getMessage() + "\n" + String.join(";\n", t.statements()), e);
        }
    }

    /**
     * The last statement's rows, each value as text (NULL as empty, as the typed CSV has it); on
     * PostgreSQL ({@code context}: the current context's schema, or null for MyDB and H2) labelled
     * as the catalog labels them for a job.
     */
    private static SdssCorpusTest.Answer answer(Statement s, SqlTranslator.Translation t, String context)
            throws SQLException {
        List<String> columns = new ArrayList<>();
        List<List<String>> rows = new ArrayList<>();
        for (String sql : t.statements()) {
            if (s.execute(sql)) {
                columns.clear();
                rows.clear();
                try (ResultSet raw = s.getResultSet()) {
                    List<Spellings.Source> sources = s.getConnection() == pg ? Spellings.sources(raw, sql, context) : List.of();
                    ResultSet rs = sources.isEmpty() ? raw : Spellings.relabelled(raw, pg, sources);
                    int n = rs.getMetaData().getColumnCount();
                    for (int i = 1; i <= n; i++) {
                        columns.add(rs.getMetaData().getColumnLabel(i));
                    }
                    while (rs.next()) {
                        List<String> row = new ArrayList<>();
                        for (int i = 1; i <= n; i++) {
                            String v = rs.getString(i);
                            row.add(v == null ? "" : v);
                        }
                        rows.add(row);
                    }
                }
            }
        }
        return new SdssCorpusTest.Answer(columns, rows);
    }
}
