package org.opencasjobs.catalog.sdss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.opencasjobs.dialect.Engine;
import org.opencasjobs.testing.Postgres;

/**
 * How fast the Sample is generated into PostgreSQL (COPY, indexes, q3c index, ANALYZE) and how
 * long a 1' cone search takes there: printed, not asserted (speed is for benchmarks). Sizes:
 * {@code -Dsdss.pg.speed.rows=N} (default 20,000, so the suite stays quick; the figures in the
 * commit log are for 100,000 and 1,000,000). Checks only that every row is there and that the
 * cones found objects.
 */
class SdssSamplePostgresSpeedTest {
    @Test
    void printsGenerationAndConeTimes() throws SQLException {
        int rows = Integer.getInteger("sdss.pg.speed.rows", 20_000);
        try (Postgres.Database db = Postgres.newDatabase(); Connection c = db.connect()) {
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            SdssSample.generate(c, Engine.POSTGRESQL, SdssSample.SAMPLE, SdssSample.SAMPLE, rows, 20031118L);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            SkyFunctionInstaller.installPostgres(c, SdssSample.SAMPLE);
            List<double[]> centres = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                st.execute("SET search_path = sample, dbo, public");
                try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM photoobjall")) {
                    rs.next();
                    assertEquals(rows, rs.getLong(1));
                }
                try (ResultSet rs = st.executeQuery("SELECT ra, dec FROM photoobjall WHERE mode = 1 ORDER BY objid")) {
                    int k = 0;
                    while (rs.next()) {
                        if (k++ % Math.max(1, rows / 2000) == 0) {
                            centres.add(new double[] {rs.getDouble(1), rs.getDouble(2)});
                        }
                    }
                }
            }
            long found = 0;
            long c0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM fgetnearbyobjeq(?, ?, 1)")) {
                for (double[] p : centres) {
                    ps.setDouble(1, p[0]);
                    ps.setDouble(2, p[1]);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        found += rs.getLong(1);
                    }
                }
            }
            double perCone = (System.nanoTime() - c0) / 1e6 / centres.size();
            // the database's own times for one cone (the figures above include the round trip and the load of the machine)
            String own = "";
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("EXPLAIN (ANALYZE, TIMING OFF)"
                    + " SELECT * FROM fgetnearbyobjeq(" + centres.get(0)[0] + ", " + centres.get(0)[1] + ", 1)")) {
                while (rs.next()) {
                    String line = rs.getString(1);
                    if (line.startsWith("Planning Time") || line.startsWith("Execution Time")) {
                        own += " " + line.strip() + ";";
                    }
                }
            }
            assertTrue(found >= centres.size(), "every cone finds at least its own centre");
            System.out.printf(Locale.ROOT, "SdssSample on PostgreSQL: %,d PhotoObjAll rows in %.2f s (%,.0f rows/s;"
                    + " %.2f s of CPU in this JVM); %d 1' cones (fGetNearbyObjEq): %.3f ms each, %.1f objects each; one cone in EXPLAIN ANALYZE:%s%n",
                    rows, seconds, rows / seconds, cpu, centres.size(), perCone, (double) found / centres.size(), own);
        }
    }
}
