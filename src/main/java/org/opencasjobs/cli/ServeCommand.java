package org.opencasjobs.cli;

import static org.opencasjobs.cli.DataFolder.inDataFolder;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.config.ServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code serve}: starts the service and runs until the process is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the service.")
public final class ServeCommand extends DataFolderCommand {
    @Option(names = "--port", description = "HTTP port (default 8080; env CASJOBS_PORT)")
    Integer port;

    @Override
    public Integer call() throws Exception {
        ServerConfig config = config(port == null ? Map.of() : Map.of("casjobs.port", port.toString()));
        OpenCasJobs server = inDataFolder(config, () -> OpenCasJobs.start(config, Clock.systemDefaultZone()));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                System.err.println("Error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }));
        System.out.println("OpenCasJobs is serving http://localhost:" + server.port() + "/services/jobs.asmx"
                + " (data in " + config.dataDir() + ")");
        if (server.demoAccount() != null) {
            System.out.println("Created the demo account: wsid " + server.demoAccount().wsid()
                    + ", password " + server.demoAccount().password()
                    + " (also in " + config.dataDir().resolve("demo-account.properties") + ")");
        }
        stopped.await();
        return 0;
    }
}
