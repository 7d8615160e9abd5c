package org.opencasjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JdbcAccountStore;
import org.opencasjobs.store.JobStoreDatabase;
import picocli.CommandLine;

class MainTest {
    /** What one command printed, and its exit code. */
    record Run(int code, String out, String err) {
        List<String> outLines() {
            return out.lines().toList();
        }

        List<String> errLines() {
            return err.lines().toList();
        }
    }

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Runs a command that must succeed, and returns what it printed. */
    static String ok(String... args) {
        Run r = run(args);
        assertEquals(0, r.code, () -> String.join(" ", args) + " failed: " + r.err);
        assertEquals("", r.err, () -> String.join(" ", args));
        return r.out;
    }

    /** Runs a command that must fail with exactly one "Error: …" line (and exit code {@code code}). */
    static String oneLineError(int code, String... args) {
        Run r = run(args);
        assertEquals(code, r.code, () -> String.join(" ", args) + ": " + r.out + r.err);
        assertEquals("", r.out, () -> String.join(" ", args));
        assertEquals(1, r.errLines().size(), () -> String.join(" ", args) + " printed: " + r.err);
        assertTrue(r.err.startsWith("Error: "), r.err);
        return r.errLines().get(0);
    }

    static long add(Path data, String user, String password, String... more) {
        String[] args = {"account", "add", "--data-dir", data.toString(), "--username", user, "--password", password};
        String[] all = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.Arrays.stream(more))
                .toArray(String[]::new);
        return Long.parseLong(ok(all).trim());
    }

    /** Logs in as the service does; null when refused, else the account. */
    static String login(Path data, long wsid, String password) {
        try (JobStoreDatabase db = JobStoreDatabase.open(ServerConfig.of(Map.of("casjobs.data.dir", data.toString())))) {
            Accounts accounts = new Accounts(new JdbcAccountStore(db.dataSource()), Clock.systemDefaultZone(), 100, 60, 0);
            try {
                return accounts.authenticate(wsid, password, "test").username();
            } catch (CasJobsException e) {
                return "refused: " + e.getMessage();
            }
        }
    }

    @Test
    void accountAddPrintsTheNewWsidOnItsOwnLine(@TempDir Path data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        int code;
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            code = Main.commandLine().execute("account", "add", "--data-dir", data.toString(),
                    "--username", "carol", "--password", "pw&1", "--admin");
        } finally {
            System.setOut(saved);
        }
        assertEquals(0, code);
        String printed = out.toString(StandardCharsets.UTF_8).trim();
        assertTrue(printed.matches("\\d{9}"), "only the wsid: " + printed);
        try (JobStoreDatabase db = JobStoreDatabase.open(ServerConfig.of(Map.of("casjobs.data.dir", data.toString())))) {
            AccountStore.StoredAccount a = new JdbcAccountStore(db.dataSource()).find(Long.parseLong(printed)).orElseThrow();
            assertEquals("carol", a.account().username());
            assertTrue(a.account().admin());
        }
    }

    @Test
    void aTakenNameIsOneClearErrorLine(@TempDir Path data) {
        String[] add = {"account", "add", "--data-dir", data.toString(), "--username", "dave", "--password", "x"};
        assertEquals(0, Main.commandLine().execute(add));
        CommandLine cl = Main.commandLine();
        java.io.StringWriter err = new java.io.StringWriter();
        cl.setErr(new java.io.PrintWriter(err));
        assertEquals(1, cl.execute(add));
        assertEquals("Error: An account named 'dave' exists already.", err.toString().trim());
    }

    @Test
    void versionCommandAndOptionPrintTheBuildVersion() {
        String version = ok("version").trim();
        assertTrue(version.matches("OpenCasJobs \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), version);
        assertEquals(version, ok("--version").trim());
    }

    @Test
    void accountListIsAnAlignedTable(@TempDir Path data) {
        long carol = add(data, "carol", "pw1");
        long dave = add(data, "dave", "pw2", "--admin");
        List<String> lines = ok("account", "list", "--data-dir", data.toString()).lines().toList();
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("WSID +USERNAME +ADMIN +DISABLED +CREATED"), lines.get(0));
        String carolLine = lines.stream().filter(l -> l.startsWith(carol + " ")).findFirst().orElseThrow();
        String daveLine = lines.stream().filter(l -> l.startsWith(dave + " ")).findFirst().orElseThrow();
        assertTrue(carolLine.matches(carol + " +carol +no +no +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"), carolLine);
        assertTrue(daveLine.matches(dave + " +dave +yes +no +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d"), daveLine);
        for (String column : List.of("USERNAME", "ADMIN", "DISABLED", "CREATED")) {
            int at = lines.get(0).indexOf(column);
            assertTrue(carolLine.charAt(at - 1) == ' ' && carolLine.charAt(at) != ' ', column + " aligned: " + carolLine);
        }
    }

    @Test
    void passwdReplacesThePassword(@TempDir Path data) {
        long carol = add(data, "carol", "old-pw");
        assertEquals("Changed the password of account " + carol + " (carol).",
                ok("account", "passwd", "--data-dir", data.toString(), "--username", "carol", "--password", "new-pw").trim());
        assertEquals("carol", login(data, carol, "new-pw"));
        assertTrue(login(data, carol, "old-pw").startsWith("refused: Invalid"), login(data, carol, "old-pw"));
        ok("account", "passwd", "--data-dir", data.toString(), "--wsid", String.valueOf(carol), "--password", "by-wsid");
        assertEquals("carol", login(data, carol, "by-wsid"));
        // An empty password is refused, and the password is unchanged.
        String empty = oneLineError(1, "account", "passwd", "--data-dir", data.toString(), "--username", "carol",
                "--password", "");
        assertEquals("Error: The password must not be empty.", empty);
        assertEquals("carol", login(data, carol, "by-wsid"));
    }

    /** {@code --password} without a value asks for it (here from standard input: there is no console). */
    @Test
    void passwdAsksForThePasswordWhenGivenNoValue(@TempDir Path data) {
        long carol = add(data, "carol", "old-pw");
        InputStream saved = System.in;
        PrintStream savedOut = System.out;
        ByteArrayOutputStream prompt = new ByteArrayOutputStream();
        String out;
        try {
            System.setIn(new ByteArrayInputStream("typed pw\n".getBytes(StandardCharsets.UTF_8)));
            System.setOut(new PrintStream(prompt, true, StandardCharsets.UTF_8));
            out = ok("account", "passwd", "--data-dir", data.toString(), "--wsid", String.valueOf(carol), "--password");
        } finally {
            System.setIn(saved);
            System.setOut(savedOut);
        }
        assertTrue(prompt.toString(StandardCharsets.UTF_8).contains("New password:"), prompt.toString(StandardCharsets.UTF_8));
        assertEquals("Changed the password of account " + carol + " (carol).", out.trim());
        assertEquals("carol", login(data, carol, "typed pw"));
    }

    @Test
    void disableRefusesLoginsAndEnableRestoresThem(@TempDir Path data) {
        long carol = add(data, "carol", "pw");
        assertEquals("Account " + carol + " (carol) is disabled: its logins are refused.",
                ok("account", "disable", "--data-dir", data.toString(), "--username", "carol").trim());
        assertEquals("refused: The account with WebServicesID " + carol + " is disabled.", login(data, carol, "pw"));
        assertTrue(ok("account", "list", "--data-dir", data.toString()).lines()
                .anyMatch(l -> l.matches(carol + " +carol +no +yes +.*")));
        assertEquals("Account " + carol + " (carol) is enabled.",
                ok("account", "enable", "--data-dir", data.toString(), "--wsid", String.valueOf(carol)).trim());
        assertEquals("carol", login(data, carol, "pw"));
    }

    @Test
    void setAdminGrantsAndRevokes(@TempDir Path data) {
        long carol = add(data, "carol", "pw");
        assertEquals("Account " + carol + " (carol) is an administrator.",
                ok("account", "set-admin", "--data-dir", data.toString(), "--username", "carol").trim());
        assertTrue(ok("account", "list", "--data-dir", data.toString()).lines()
                .anyMatch(l -> l.matches(carol + " +carol +yes +no +.*")));
        assertEquals("Account " + carol + " (carol) is not an administrator.",
                ok("account", "set-admin", "--data-dir", data.toString(), "--wsid", String.valueOf(carol), "--revoke").trim());
        assertTrue(ok("account", "list", "--data-dir", data.toString()).lines()
                .anyMatch(l -> l.matches(carol + " +carol +no +no +.*")));
    }

    @Test
    void anUnknownAccountOrDataFolderIsOneLine(@TempDir Path data) {
        add(data, "carol", "pw");
        String d = data.toString();
        assertEquals("Error: There is no account with wsid 123.", oneLineError(1, "account", "disable", "--data-dir", d,
                "--wsid", "123"));
        assertEquals("Error: There is no account named 'nobody'.", oneLineError(1, "account", "passwd", "--data-dir", d,
                "--username", "nobody", "--password", "x"));
        assertEquals("Error: There is no account named 'nobody'.", oneLineError(1, "account", "set-admin", "--data-dir", d,
                "--username", "nobody"));
        Path missing = data.resolve("not-here");
        assertEquals("Error: There is no job store in " + missing.toAbsolutePath()
                + ": is --data-dir (or CASJOBS_DATA_DIR) right?", oneLineError(1, "account", "list", "--data-dir",
                missing.toString()));
        assertFalse(Files.exists(missing), "nothing created in a mistyped data folder");
    }

    @Test
    void usageErrorsAreOneLinePlusWhereToReadMore(@TempDir Path data) {
        String d = data.toString();
        List<List<String>> cases = List.of(
                List.of("account", "list", "--bogus"),
                List.of("account", "passwd", "--data-dir", d, "--password", "x"),
                List.of("account", "passwd", "--data-dir", d, "--wsid", "1", "--username", "a", "--password", "x"),
                List.of("account", "disable", "--data-dir", d, "--wsid", "many"),
                List.of("account", "set-admin", "--data-dir", d),
                List.of("account"),
                List.of("context"),
                List.of("context", "load", "--data-dir", d, "Sample"),
                List.of("sample", "generate", "--data-dir", d),
                List.of("sample", "generate", "--data-dir", d, "--rows", "-1"),
                List.of("no-such-command"));
        for (List<String> args : cases) {
            Run r = run(args.toArray(String[]::new));
            assertEquals(2, r.code, () -> args + ": " + r.err);
            assertEquals(2, r.errLines().size(), () -> args + " printed: " + r.err);
            assertTrue(r.errLines().get(0).startsWith("Error: ") && !r.errLines().get(0).startsWith("Error: Error"),
                    () -> args + ": " + r.err);
            assertTrue(r.errLines().get(1).matches("Try 'opencasjobs.* --help' for more information\\."), r.err);
            assertEquals("", r.out);
        }
        Run both = run("account", "passwd", "--data-dir", d, "--wsid", "1", "--username", "a", "--password", "x");
        assertTrue(both.err.contains("--wsid") && both.err.contains("--username") && both.err.contains("mutually exclusive"),
                both.err);
        assertEquals("Try 'opencasjobs account passwd --help' for more information.", both.errLines().get(1));
        assertTrue(run("account", "list", "--bogus").err.startsWith("Error: Unknown option: '--bogus'"));
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("account add", "account list", "account passwd", "account set-admin",
                "account disable", "account enable", "context list", "context load", "sample generate")) {
            List<String> args = new java.util.ArrayList<>(List.of(command.split(" ")));
            args.add("--help");
            String help = ok(args.toArray(String[]::new));
            assertTrue(help.contains("Usage: opencasjobs " + command), help);
            assertTrue(help.contains("--data-dir") && help.contains("--config"), help);
        }
        String passwd = ok("account", "passwd", "--help");
        assertTrue(passwd.contains("--wsid") && passwd.contains("--username") && passwd.contains("asked for"), passwd);
        assertTrue(ok("version", "--help").contains("Usage: opencasjobs version"));
    }

    @Test
    void badSettingsAreOneLine(@TempDir Path data) throws Exception {
        Path config = data.resolve("casjobs.properties");
        Files.writeString(config, "casjobs.contexts=Sample,Ext\ncasjobs.context.ecx.url=jdbc:h2:mem:x\n");
        String line = oneLineError(1, "context", "list", "--data-dir", data.toString(), "--config", config.toString());
        assertTrue(line.contains("casjobs.context.ecx.url") && line.contains("'ecx'"), line);
    }

    @Test
    void sampleGenerateReplacesTheSampleTables(@TempDir Path data) {
        String d = data.toString();
        String first = ok("sample", "generate", "--data-dir", d, "--rows", "30").trim();
        assertTrue(first.matches("Generated the Sample context: PhotoObjAll 30 rows, SpecObjAll \\d+ rows? \\(\\d+ tables and views;"
                + " context list shows them all\\)\\."), first);
        String again = ok("sample", "generate", "--data-dir", d, "--rows", "40").trim();
        assertTrue(again.startsWith("Generated the Sample context: PhotoObjAll 40 rows, SpecObjAll "), again);
        String list = ok("context", "list", "--data-dir", d);
        assertTrue(list.matches("(?s).*table PhotoObjAll +40 rows.*"), list);
        // The same N gives the same data.
        assertEquals(again, ok("sample", "generate", "--data-dir", d, "--rows", "40").trim());
    }

    @Test
    void sampleGenerateRefusesASampleItDoesNotManage(@TempDir Path data) throws Exception {
        Path none = data.resolve("none.properties");
        Files.writeString(none, "casjobs.contexts=DR7\n");
        assertEquals("Error: Sample is not a configured context (casjobs.contexts = DR7): there is nothing to generate.",
                oneLineError(1, "sample", "generate", "--data-dir", data.toString(), "--config", none.toString(),
                        "--rows", "10"));
        Path external = data.resolve("external.properties");
        Files.writeString(external, "casjobs.context.sample.url=jdbc:h2:mem:elsewhere\n");
        String line = oneLineError(1, "sample", "generate", "--data-dir", data.toString(), "--config",
                external.toString(), "--rows", "10");
        assertTrue(line.contains("external database") && line.contains("jdbc:h2:mem:elsewhere"), line);
    }

    @Test
    void contextListShowsWhereEachContextLivesItsTablesAndQueues(@TempDir Path data) throws Exception {
        String extUrl = "jdbc:h2:file:" + data.resolve("ext").resolve("survey") + ";TRACE_LEVEL_FILE=0";
        try (Connection c = DriverManager.getConnection(extUrl, "owner", "Top-Secret-42"); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA sky; CREATE TABLE sky.Stars(id INT); INSERT INTO sky.Stars VALUES (1), (2), (3)");
            st.execute("CREATE TABLE sky.Empty(id INT)");
        }
        Path config = data.resolve("casjobs.properties");
        Files.writeString(config, String.join("\n", "casjobs.contexts=Sample,Ext",
                "casjobs.context.ext.url=" + extUrl, "casjobs.context.ext.user=owner",
                "casjobs.context.ext.password=Top-Secret-42", "casjobs.context.ext.schema=sky",
                "casjobs.context.ext.batch.minutes=60,500", "casjobs.context.ext.batch.concurrency=3",
                "casjobs.queue.quick.concurrency=5", ""));
        String d = data.toString();
        String before = ok("context", "list", "--data-dir", d, "--config", config.toString());
        assertTrue(before.contains("Sample: H2 file " + data.resolve("catalog/contexts/Sample.mv.db")), before);
        assertTrue(before.contains("not created yet"), before);
        assertFalse(Files.exists(data.resolve("catalog/contexts/Sample.mv.db")), "context list created the context");

        ok("sample", "generate", "--data-dir", d, "--config", config.toString(), "--rows", "25");
        String list = ok("context", "list", "--data-dir", d, "--config", config.toString());
        assertFalse(list.contains("Top-Secret-42"), list);
        List<String> lines = list.lines().toList();
        int sample = lines.indexOf("Sample: H2 file " + data.resolve("catalog/contexts/Sample.mv.db"));
        assertTrue(sample >= 0, list);
        int quick = sample + lines.subList(sample, lines.size()).indexOf("  quick queue: 1 minute, 5 at once");
        assertTrue(quick > sample + 2, list);
        List<String> tables = lines.subList(sample + 1, quick);
        assertTrue(tables.stream().anyMatch(l -> l.matches(" {2}table PhotoObjAll +25 rows")), list);
        assertTrue(tables.stream().anyMatch(l -> l.matches(" {2}table SpecObjAll +\\d+ rows?")), list);
        assertTrue(tables.stream().allMatch(l -> l.matches(" {2}table \\w+ +\\d+ rows?")), list);
        assertEquals("  batch queue: 500 minutes, 2 at once", lines.get(quick + 1), list);
        int ext = lines.indexOf("Ext: external database " + extUrl + " (user 'owner', schema sky)");
        assertTrue(ext > sample, list);
        assertTrue(lines.get(ext + 1).matches(" {2}table EMPTY +0 rows"), list);
        assertTrue(lines.get(ext + 2).matches(" {2}table STARS +3 rows"), list);
        assertEquals("  quick queue: 1 minute, 5 at once", lines.get(ext + 3), list);
        assertEquals("  batch queues: 60, 500 minutes, 3 at once in each", lines.get(ext + 4), list);
        int mydb = lines.indexOf("MyDB: one H2 file per account, " + data.resolve("catalog/mydb/U<wsid>.mv.db"));
        assertTrue(mydb > ext, list);
        assertEquals("  quick queue: 1 minute, 5 at once", lines.get(mydb + 1), list);
    }

    @Test
    void passwordsInJdbcUrlsAreNotShown() {
        assertEquals("jdbc:postgresql://db/sdss?user=a&password=***&ssl=true",
                Catalog.withoutPassword("jdbc:postgresql://db/sdss?user=a&password=s3cr3t&ssl=true"));
        assertEquals("jdbc:h2:file:/x;USER=a;PASSWORD=***;MODE=MSSQLServer",
                Catalog.withoutPassword("jdbc:h2:file:/x;USER=a;PASSWORD=s3cr3t;MODE=MSSQLServer"));
        assertEquals("jdbc:h2:file:/x", Catalog.withoutPassword("jdbc:h2:file:/x"));
    }

    /**
     * A server in another process holds the H2 files: the account commands and context list are
     * done by that server (its admin endpoint) and say so; sample generate refuses in one line;
     * once the server stops, the commands open the files themselves again.
     */
    @Test
    void aServerInAnotherProcessTakesTheAccountCommands(@TempDir Path data) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "org.opencasjobs.Main", "serve", "--port", "0", "--data-dir", data.toString());
        pb.environment().put("CASJOBS_SAMPLE_ROWS", "100");
        pb.environment().put("CASJOBS_BIND_ADDRESS", "127.0.0.1");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process server = pb.start();
        String d = data.toString();
        long erin;
        try {
            List<String> printed = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                        printed.add(line);
                    }
                } catch (Exception ignored) {
                    // the server stopped
                }
            });
            reader.setDaemon(true);
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            while (printed.stream().noneMatch(l -> l.contains("is serving"))) {
                if (!server.isAlive() || System.nanoTime() > deadline) {
                    fail("the server did not start: " + printed);
                }
                Thread.sleep(50);
            }
            assertTrue(ok("account", "list", "--data-dir", d).lines().anyMatch(l -> l.contains(" demo ")));
            erin = Long.parseLong(ok("account", "add", "--data-dir", d, "--username", "erin", "--password", "y").trim());
            assertEquals("Account " + erin + " (erin) is disabled on the running server: its logins are refused.",
                    ok("account", "disable", "--data-dir", d, "--username", "erin").trim());
            assertTrue(ok("context", "list", "--data-dir", d).matches("(?s).*table PhotoObjAll +100 rows.*"));
            assertEquals("Error: The data folder " + data.toAbsolutePath() + " is in use by a running server, and"
                    + " sample generate rewrites a context it serves: stop the server first, then run this command again.",
                    oneLineError(1, "sample", "generate", "--data-dir", d, "--rows", "5"));
        } finally {
            server.destroy(); // SIGTERM: the server's shutdown hook closes its databases
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
        }
        assertFalse(Files.exists(data.resolve("admin-endpoint.properties")), "the stopped server's file is gone");
        assertTrue(ok("account", "list", "--data-dir", d).lines().anyMatch(l -> l.matches(erin + " +erin +no +yes +.*")));
        assertEquals("refused: The account with WebServicesID " + erin + " is disabled.", login(data, erin, "y"));
    }

    @Test
    void anUnreadableSettingsFileIsOneLine(@TempDir Path data) {
        String line = oneLineError(1, "account", "list", "--data-dir", data.toString(), "--config",
                data.resolve("missing.properties").toString());
        assertTrue(line.startsWith("Error: Cannot read configuration file " + data.resolve("missing.properties")), line);
    }
}
