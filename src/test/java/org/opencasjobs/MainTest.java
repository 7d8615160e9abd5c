package org.opencasjobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.store.AccountStore;
import org.opencasjobs.store.JobStoreDatabase;
import picocli.CommandLine;

class MainTest {
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
            AccountStore.StoredAccount a = new AccountStore(db.dataSource()).find(Long.parseLong(printed)).orElseThrow();
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
}
