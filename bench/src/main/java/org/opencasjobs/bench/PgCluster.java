package org.opencasjobs.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL 15 cluster for the engines benchmark, made as the product's tests make
 * theirs: the installed binaries, initdb in a folder of the bench's work folder, 127.0.0.1 on a free
 * port, scram-sha-256 logins, run as user {@code postgres} when this runs as root (initdb refuses
 * root). Durability is off (fsync, synchronous commit): the data is thrown away, and both sides
 * of every comparison run on the same cluster. Stopped and deleted by {@link #close()}.
 */
final class PgCluster implements AutoCloseable {
    private static final Path DEBIAN_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String SUPERUSER = "postgres";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path bin;
    private final Path dir;
    private final List<String> asOwner;
    final int port;
    private final String superPassword;

    /** The service's database: its name, its owner role (may create roles) and the owner's password. */
    record Database(String url, String owner, String password) {
        Connection connect() throws SQLException {
            return DriverManager.getConnection(url, owner, password);
        }
    }

    private PgCluster(Path bin, Path dir, List<String> asOwner, int port, String superPassword) {
        this.bin = bin;
        this.dir = dir;
        this.asOwner = asOwner;
        this.port = port;
        this.superPassword = superPassword;
    }

    /** Whether PostgreSQL 15 and q3c are installed where Debian puts them; else why not. */
    static String missing() throws IOException, InterruptedException {
        if (!Files.isExecutable(DEBIAN_BIN.resolve("initdb"))) {
            return "PostgreSQL 15 is not installed (" + DEBIAN_BIN + "; Debian: postgresql-15)";
        }
        Path share = Path.of(output(List.of(DEBIAN_BIN.resolve("pg_config").toString(), "--sharedir")).strip());
        if (!Files.exists(share.resolve("extension/q3c.control"))) {
            return "the q3c extension is not installed for PostgreSQL 15 (Debian: postgresql-15-q3c)";
        }
        return null;
    }

    static PgCluster start(Path dir) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        List<String> asOwner = root ? List.of("runuser", "-u", SUPERUSER, "--") : List.of();
        Files.createDirectories(dir);
        Path pwfile = dir.resolve("superuser-password");
        String superPassword = secret();
        Files.writeString(pwfile, superPassword + "\n");
        if (root) {
            UserPrincipal postgres = dir.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName(SUPERUSER);
            Files.setOwner(dir, postgres);
            Files.setOwner(pwfile, postgres);
        }
        exec(asOwner, DEBIAN_BIN.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", SUPERUSER,
                "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync",
                "--no-instructions");
        Files.delete(pwfile);
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        PgCluster c = new PgCluster(DEBIAN_BIN, dir, asOwner, port, superPassword);
        Runtime.getRuntime().addShutdownHook(new Thread(c::stop, "stop bench PostgreSQL"));
        exec(asOwner, DEBIAN_BIN.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                "-l", dir.resolve("server.log").toString(), "-w", "-t", "120", "-o",
                "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                        + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=100"
                        + " -c shared_buffers=256MB",
                "start");
        return c;
    }

    /** A new database owned by a role that may create roles, with q3c: what an operator prepares. */
    Database newDatabase(String name) throws SQLException {
        String owner = name + "_owner";
        String password = secret();
        superuser("postgres", "CREATE ROLE " + owner + " LOGIN CREATEROLE PASSWORD '" + password + "'");
        superuser("postgres", "CREATE DATABASE " + name + " OWNER " + owner);
        superuser(name, "CREATE EXTENSION q3c");
        return new Database(url(name), owner, password);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void superuser(String database, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url(database), SUPERUSER, superPassword);
             Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private void stop() {
        if (Files.exists(dir.resolve("data/postmaster.pid"))) {
            try {
                exec(asOwner, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate",
                        "-w", "stop");
            } catch (IOException | InterruptedException e) {
                System.err.println("could not stop the bench PostgreSQL in " + dir + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        Bench.deleteTree(dir);
    }

    private static String secret() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static void exec(List<String> asOwner, String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(asOwner);
        full.addAll(List.of(command));
        output(full);
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not end");
        }
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + out.strip());
        }
        return out;
    }
}
