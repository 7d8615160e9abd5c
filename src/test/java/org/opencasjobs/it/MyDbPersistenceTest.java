package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Account;

/** A user's MyDB keeps its tables and views, and SQL Server's dialect, across restarts. */
class MyDbPersistenceTest {
    @TempDir
    Path data;

    private final HttpClient http = HttpClient.newHttpClient();

    private ServerConfig config() {
        return ServerConfig.of(Map.of("casjobs.port", "0", "casjobs.bind.address", "127.0.0.1",
                "casjobs.data.dir", data.toString(), "casjobs.sample.rows", "500", "casjobs.demo.account", "false"));
    }

    private HttpResponse<String> quick(OpenCasJobs s, Account a, String sql, String context) throws Exception {
        String form = TestServer.form("wsid", a.wsid(), "pw", "pw", "qry", sql, "context", context, "taskname", "t",
                "isSystem", "false");
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port()
                        + "/services/jobs.asmx/ExecuteQuickJob")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void tablesViewsAndDialectSurviveARestart() throws Exception {
        Account carol;
        try (OpenCasJobs first = OpenCasJobs.start(config(), Clock.systemDefaultZone())) {
            carol = first.accounts().create("carol", "pw", false);
            assertEquals(200, quick(first, carol, "SELECT TOP 5 objID, r INTO mydb.Five FROM PhotoObj", "Sample")
                    .statusCode());
            HttpResponse<String> view = quick(first, carol,
                    "CREATE VIEW mydb.Bright AS SELECT objID FROM Sample.PhotoObj WHERE r < 30", "MyDB");
            assertEquals(200, view.statusCode(), view.body());
            // the SQL Server habit of dropping and recreating a table in one batch
            HttpResponse<String> redo = quick(first, carol,
                    "DROP TABLE mydb.Five; SELECT TOP 5 objID, r INTO mydb.Five FROM PhotoObj", "Sample");
            assertEquals(200, redo.statusCode(), redo.body());
        }
        try (OpenCasJobs second = OpenCasJobs.start(config(), Clock.systemDefaultZone())) {
            HttpResponse<String> five = quick(second, carol, "SELECT COUNT(*) AS n FROM mydb.five", "sample");
            assertTrue(five.body().contains("[n]:Integer\n5\n"), five.body());
            HttpResponse<String> view = quick(second, carol, "SELECT TOP 1 [objID] FROM MYDB.Bright", "MyDB");
            assertEquals(200, view.statusCode(), "the view over a context table is still there: " + view.body());
        }
    }
}
