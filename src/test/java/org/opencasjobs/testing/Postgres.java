package org.opencasjobs.testing;

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
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A throw-away PostgreSQL 15 for tests: the installed binaries, a cluster initdb'd under the
 * repository's {@code target/}, listening on 127.0.0.1 at a free port, started once per JVM on first
 * use and shared (the suite pays initdb once), stopped and deleted when the JVM ends. Each test
 * takes a fresh, empty database with an owner role of its own ({@link #newDatabase()}), with q3c
 * installed, as an operator would prepare one.
 *
 * <p>Without PostgreSQL 15 (and q3c) on the machine the calling test is skipped, saying so, unless
 * {@code -Dpostgresql.required=true} (CI's setting), which makes it fail instead. A cluster that is
 * installed but does not start always fails the test.
 *
 * <p>Run as root (as in CI's container), the cluster's processes run as the {@code postgres} user:
 * initdb refuses root.
 */
public final class Postgres {
    /** The system property that turns "PostgreSQL is not installed" from a skip into a failure. */
    public static final String REQUIRED = "postgresql.required";
    /** The system property naming the folder of PostgreSQL 15's programs, when not where Debian puts them. */
    public static final String BINDIR = "postgresql.bindir";
    private static final Path DEBIAN_BIN = Path.of("/usr/lib/postgresql/15/bin");
    private static final String SUPERUSER = "postgres";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicInteger NEXT = new AtomicInteger();

    private static Cluster cluster;
    /** Why there is no cluster: not installed (skip) or failed to start (fail); null until tried. */
    private static String unavailable;
    private static RuntimeException failed;

    private Postgres() {
    }

    /** An empty database owned by a login role of its own: what {@code casjobs.postgresql.*} point at. */
    public record Database(String url, String name, String owner, String password) implements AutoCloseable {
        /** The settings that put the service's data in this database. */
        public Map<String, String> settings() {
            return Map.of("casjobs.engine", "postgresql", "casjobs.postgresql.url", url,
                    "casjobs.postgresql.user", owner, "casjobs.postgresql.password", password);
        }

        /** A connection as the owner role. */
        public Connection connect() throws SQLException {
            return DriverManager.getConnection(url, owner, password);
        }

        /** A connection to this database as another role. */
        public Connection connectAs(String role, String rolePassword) throws SQLException {
            return DriverManager.getConnection(url, role, rolePassword);
        }

        /**
         * Runs {@code sql} in this database as the cluster's superuser: what an operator asks the
         * database's administrator for (an extension the owner may not create, say).
         */
        public void asSuperuser(String sql) {
            cluster.run(name, sql);
        }

        /** Drops the database (whoever is still connected) and its owner. */
        @Override
        public void close() {
            cluster.superuser("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            cluster.superuser("DROP OWNED BY " + owner + " CASCADE");
            cluster.superuser("DROP ROLE IF EXISTS " + owner);
        }
    }

    /**
     * A new empty database with its owner (allowed to create roles, as the service's owner role
     * is, and nothing more), q3c installed by the superuser. Skips or fails the calling test when
     * there is no PostgreSQL (see the class comment).
     */
    public static Database newDatabase() {
        return newDatabase(true);
    }

    /**
     * A new empty database with its owner as {@link #newDatabase()}, with q3c installed by the
     * superuser or not: what an operator who skipped {@code CREATE EXTENSION q3c} hands over.
     */
    public static Database newDatabase(boolean withQ3c) {
        Cluster c = cluster();
        int n = NEXT.incrementAndGet();
        String name = "test_" + n;
        String owner = "owner_" + n;
        String password = secret();
        c.superuser("CREATE ROLE " + owner + " LOGIN CREATEROLE PASSWORD '" + password + "'");
        c.superuser("CREATE DATABASE " + name + " OWNER " + owner);
        if (withQ3c) {
            c.run(name, "CREATE EXTENSION q3c");
        }
        return new Database(c.url(name), name, owner, password);
    }

    /** A login role with only what PUBLIC has, like the role of a user's account; its password. */
    public static String newLoginRole(String role) {
        String password = secret();
        cluster().superuser("CREATE ROLE " + role + " LOGIN PASSWORD '" + password + "'");
        return password;
    }

    private static String secret() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    private static synchronized Cluster cluster() {
        if (cluster == null && unavailable == null && failed == null) {
            try {
                cluster = Cluster.start();
            } catch (NotInstalled e) {
                unavailable = e.getMessage();
                // Once in the build's output, not only in each skipped test's report.
                System.err.println("PostgreSQL tests skipped: " + unavailable);
            } catch (IOException | RuntimeException e) {
                failed = new IllegalStateException("The test PostgreSQL did not start: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed = new IllegalStateException("interrupted while starting the test PostgreSQL", e);
            }
        }
        if (failed != null) {
            throw failed;
        }
        if (unavailable != null) {
            if (Boolean.getBoolean(REQUIRED)) {
                Assertions.fail("PostgreSQL is required (-D" + REQUIRED + "=true) but " + unavailable);
            }
            Assumptions.abort("PostgreSQL tests skipped: " + unavailable + " (with -D" + REQUIRED
                    + "=true this fails instead)");
        }
        return cluster;
    }

    private static final class NotInstalled extends Exception {
        private static final long serialVersionUID = 1L;

        NotInstalled(String message) {
            super(message);
        }
    }

    /** One running cluster: its folder under target/, its port and its superuser's password. */
    private static final class Cluster {
        private final Path bin;
        private final Path root;
        private final List<String> asOwner;
        private final int port;
        private final String superPassword;

        private Cluster(Path bin, Path root, List<String> asOwner, int port, String superPassword) {
            this.bin = bin;
            this.root = root;
            this.asOwner = asOwner;
            this.port = port;
            this.superPassword = superPassword;
        }

        static Cluster start() throws NotInstalled, IOException, InterruptedException {
            Path bin = binaries();
            Path share = Path.of(output(List.of(bin.resolve("pg_config").toString(), "--sharedir")).strip());
            if (!Files.exists(share.resolve("extension/q3c.control"))) {
                throw new NotInstalled("the q3c extension is not installed for PostgreSQL 15 (Debian: postgresql-15-q3c)");
            }
            boolean root = "root".equals(System.getProperty("user.name"));
            List<String> asOwner = root ? List.of("runuser", "-u", SUPERUSER, "--") : List.of();
            Path target = Path.of(System.getProperty("user.dir"), "target");
            Files.createDirectories(target);
            stopLeftovers(bin, target, asOwner);
            Path dir = Files.createTempDirectory(target, "postgresql-" + ProcessHandle.current().pid() + "-");
            Path pwfile = dir.resolve("superuser-password");
            String superPassword = secret();
            Files.writeString(pwfile, superPassword + "\n");
            if (root) {
                UserPrincipal postgres;
                try {
                    postgres = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SUPERUSER);
                } catch (IOException e) {
                    throw new NotInstalled("this runs as root and there is no user '" + SUPERUSER
                            + "' to run PostgreSQL as (initdb refuses root)");
                }
                Files.setOwner(dir, postgres);
                Files.setOwner(pwfile, postgres);
            }
            Cluster c = null;
            try {
                exec(asOwner, bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", SUPERUSER,
                        "--pwfile=" + pwfile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--no-sync",
                        "--no-instructions");
                Files.delete(pwfile);
                int port = freePort();
                c = new Cluster(bin, dir, asOwner, port, superPassword);
                Runtime.getRuntime().addShutdownHook(new Thread(c::stopAndDelete, "stop test PostgreSQL"));
                // Durability settings off: a test cluster is thrown away, and nothing here measures speed.
                exec(asOwner, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                        "-l", dir.resolve("server.log").toString(), "-w", "-t", "120", "-o",
                        "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off"
                                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300",
                        "start");
                c.superuser("SELECT 1");
                return c;
            } catch (IOException | RuntimeException e) {
                String log = Files.exists(dir.resolve("server.log")) ? Files.readString(dir.resolve("server.log")) : "";
                if (c == null) {
                    deleteTree(dir);
                }
                throw new IOException(e.getMessage() + (log.isEmpty() ? "" : "\nserver log:\n" + log), e);
            }
        }

        /**
         * The PostgreSQL 15 binaries: the folder {@code -Dpostgresql.bindir} names if given (a
         * PostgreSQL installed elsewhere), else Debian's folder, else wherever pg_config on the PATH says.
         */
        private static Path binaries() throws NotInstalled {
            String given = System.getProperty(BINDIR, "");
            if (!given.isEmpty()) {
                if (Files.isExecutable(Path.of(given, "initdb")) && Files.isExecutable(Path.of(given, "pg_config"))) {
                    return Path.of(given);
                }
                throw new NotInstalled("-D" + BINDIR + "=" + given + " holds no initdb and pg_config");
            }
            if (Files.isExecutable(DEBIAN_BIN.resolve("initdb")) && Files.isExecutable(DEBIAN_BIN.resolve("pg_config"))) {
                return DEBIAN_BIN;
            }
            try {
                String version = output(List.of("pg_config", "--version"));
                if (version.startsWith("PostgreSQL 15")) {
                    return Path.of(output(List.of("pg_config", "--bindir")).strip());
                }
                throw new NotInstalled("pg_config on the PATH is " + version.strip() + ", not PostgreSQL 15");
            } catch (IOException | InterruptedException e) {
                throw new NotInstalled("PostgreSQL 15 is not installed (neither " + DEBIAN_BIN
                        + " nor pg_config on the PATH; Debian: postgresql-15)");
            }
        }

        /** Stops and deletes the clusters of test JVMs that were killed before their shutdown hook ran. */
        private static void stopLeftovers(Path bin, Path target, List<String> asOwner) throws IOException {
            try (Stream<Path> dirs = Files.list(target)) {
                for (Path d : dirs.filter(p -> p.getFileName().toString().startsWith("postgresql-")).toList()) {
                    String[] parts = d.getFileName().toString().split("-");
                    boolean alive;
                    try {
                        alive = ProcessHandle.of(Long.parseLong(parts[1])).map(ProcessHandle::isAlive).orElse(false);
                    } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                        continue;
                    }
                    if (!alive) {
                        stop(bin, d, asOwner);
                        deleteTree(d);
                    }
                }
            }
        }

        String url(String database) {
            return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
        }

        /** Runs {@code sql} as the superuser in the maintenance database. */
        void superuser(String sql) {
            run("postgres", sql);
        }

        void run(String database, String sql) {
            try (Connection c = DriverManager.getConnection(url(database), SUPERUSER, superPassword);
                 Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new IllegalStateException(sql + ": " + e.getMessage(), e);
            }
        }

        void stopAndDelete() {
            stop(bin, root, asOwner);
            deleteTree(root);
        }

        private static void stop(Path bin, Path dir, List<String> asOwner) {
            if (Files.exists(dir.resolve("data/postmaster.pid"))) {
                try {
                    exec(asOwner, bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(),
                            "-m", "immediate", "-w", "stop");
                } catch (IOException | InterruptedException e) {
                    System.err.println("could not stop the test PostgreSQL in " + dir + ": " + e.getMessage());
                }
            }
        }

        private static void deleteTree(Path dir) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            } catch (IOException e) {
                System.err.println("could not delete " + dir + ": " + e.getMessage());
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        /** Runs a command (as the cluster's owner); its output becomes the message if it fails. */
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
}
