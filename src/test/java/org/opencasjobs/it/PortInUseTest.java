package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.config.ServerConfig;

/** A second start on a port in use says so at once, and creates nothing (no data folder, no demo account). */
class PortInUseTest {
    @TempDir
    Path tmp;

    @Test
    void aTakenPortStopsTheStartBeforeTheDataFolderIsMade() throws Exception {
        Path data = tmp.resolve("data");
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServerConfig config = ServerConfig.of(Map.of("casjobs.port", String.valueOf(taken.getLocalPort()),
                    "casjobs.bind.address", "127.0.0.1", "casjobs.data.dir", data.toString()));
            String m = assertThrows(IllegalStateException.class,
                    () -> OpenCasJobs.start(config, Clock.systemDefaultZone())).getMessage();
            assertTrue(m.startsWith("Port " + taken.getLocalPort() + " on 127.0.0.1 is in use"), m);
            assertTrue(m.endsWith("(casjobs.port, CASJOBS_PORT or --port)."), m);
        }
        assertFalse(Files.exists(data), "nothing was created");
    }
}
