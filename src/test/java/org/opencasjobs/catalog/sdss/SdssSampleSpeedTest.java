package org.opencasjobs.catalog.sdss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * How fast the Sample is generated at the default size (100,000 PhotoObjAll rows): printed,
 * not asserted (speed is for benchmarks); the test checks only that every row is there.
 */
class SdssSampleSpeedTest {
    @Test
    void defaultSizePrintsRowsPerSecond() throws SQLException {
        int rows = Integer.getInteger("sdss.speed.rows", 100_000);
        try (Connection c = DriverManager.getConnection("jdbc:h2:mem:sdssspeed;MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;"
                + "CASE_INSENSITIVE_IDENTIFIERS=TRUE")) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA Sample");
            }
            // CPU time too: on a shared machine the wall clock also counts other processes' turns
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            SdssSample.generate(c, "Sample", SdssSample.SAMPLE, rows, 20031118L);
            double seconds = (System.nanoTime() - t0) / 1e9;
            double cpu = (threads.getCurrentThreadCpuTime() - cpu0) / 1e9;
            StringBuilder sizes = new StringBuilder();
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                         + " WHERE TABLE_SCHEMA = 'Sample' AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME")) {
                while (rs.next()) {
                    try (Statement count = c.createStatement();
                         ResultSet n = count.executeQuery("SELECT COUNT(*) FROM Sample.\"" + rs.getString(1) + "\"")) {
                        n.next();
                        sizes.append(' ').append(rs.getString(1)).append('=').append(n.getLong(1));
                    }
                }
            }
            System.out.printf(Locale.ROOT, "SdssSample: %,d PhotoObjAll rows in %.2f s (%,.0f rows/s; %.2f s of CPU,"
                    + " %,.0f rows per CPU second); tables:%s%n", rows, seconds, rows / seconds, cpu, rows / cpu, sizes);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM Sample.PhotoObjAll")) {
                rs.next();
                assertEquals(rows, rs.getLong(1));
            }
        }
    }
}
