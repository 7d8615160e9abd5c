package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.config.ServerConfig;

/**
 * The data folder holds password hashes, every MyDB and the demo password: no other local user
 * may read any of it, whether the service made the folder or found it open.
 */
class DataFolderPrivacyTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static ServerConfig config(Path data) {
        return ServerConfig.of(Map.of("casjobs.port", "0", "casjobs.bind.address", "127.0.0.1",
                "casjobs.data.dir", data.toString(), "casjobs.sample.rows", "10"));
    }

    @Test
    void aNewDataFolderAndTheDemoPasswordAreTheOwnersAlone() throws Exception {
        Path data = tmp.resolve("fresh").resolve("data");
        try (OpenCasJobs server = OpenCasJobs.start(config(data), Clock.systemDefaultZone())) {
            assertEquals("rwx------", mode(data));
            assertEquals("rw-------", mode(data.resolve("demo-account.properties")));
            assertEquals("rw-------", mode(data.resolve("catalog").resolve("secret")));
        }
    }

    @Test
    void anExistingFolderOpenToOthersIsClosed() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("open"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x")); // whatever the umask
        try (OpenCasJobs server = OpenCasJobs.start(config(data), Clock.systemDefaultZone())) {
            assertEquals("rwx------", mode(data));
        }
    }
}
