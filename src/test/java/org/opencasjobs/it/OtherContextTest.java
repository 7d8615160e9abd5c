package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A second generated context, Stripe82, configured beside the Sample: a query whose context is
 * Sample reads it as SQL Server users name another database, {@code Stripe82..Field} and
 * {@code Stripe82.dbo.Field}, as well as {@code Stripe82.Field}.
 */
class OtherContextTest {
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer(Map.of("casjobs.contexts", "Sample,Stripe82", "casjobs.sample.rows", "1500"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    private static String quick(String sql, String context) throws Exception {
        HttpResponse<String> r = server.get("/services/jobs.asmx/ExecuteQuickJob?" + TestServer.form("wsid",
                server.alice.wsid(), "pw", TestServer.ALICE_PW, "qry", sql, "context", context, "taskname", "t",
                "isSystem", "false"));
        assertEquals(200, r.statusCode(), sql + ": " + r.body());
        return TestServer.xml(r.body()).getDocumentElement().getTextContent();
    }

    @Test
    void aViewOfTheContextReachesTheIndexOfItsTable() throws Exception {
        // views are made again in each MyDB over the linked tables: the condition reaches PhotoObjAll's key
        String plan = quick("EXPLAIN SELECT ra, dec FROM Galaxy WHERE objID = 1237645876861272065", "Sample");
        assertTrue(plan.contains("FROM Sample.PhotoObjAll"), plan);
        assertTrue(plan.contains(": objID IS NOT DISTINCT FROM ?1 */"), "an index lookup, not a scan: " + plan);
    }

    @Test
    void stripe82IsReadFromTheSampleContextByAnyOfItsNames() throws Exception {
        String fields = "SELECT COUNT(*) AS n, MIN(run) AS run1, MAX(run) AS run2 FROM %s WHERE run IN (106, 206, 752)";
        String own = quick(String.format(fields, "Field"), "Stripe82");
        assertTrue(own.startsWith("[n]:Integer,[run1]:Integer,[run2]:Integer\n"), own);
        assertTrue(own.endsWith(",106,206\n"), "the co-add runs: " + own);
        for (String name : List.of("Stripe82..Field", "Stripe82.dbo.Field", "Stripe82.Field", "stripe82..field",
                "[Stripe82].[dbo].[Field]")) {
            assertEquals(own, quick(String.format(fields, name), "Sample"), name);
        }
        String sample = quick(String.format(fields, "Field"), "Sample");
        assertTrue(sample.endsWith(",752,752\n"), "the Sample has a Field of its own: " + sample);
        // the co-add's primaries, read from the Sample context, and the same table in its own context
        String coadd = quick("SELECT COUNT(*) AS n FROM Stripe82.dbo.PhotoObjAll WHERE run IN (106, 206) AND mode = 1", "Sample");
        assertEquals(quick("SELECT COUNT(*) AS n FROM PhotoPrimary", "Stripe82"), coadd);
        assertEquals(coadd, quick("SELECT COUNT(*) AS n FROM Stripe82..PhotoPrimary", "Sample"), "a view, by its database name");
    }
}
