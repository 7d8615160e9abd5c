package org.opencasjobs.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.catalog.ContextAdmin;
import org.opencasjobs.config.PrivateFiles;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.CasJobsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operators' door into a running server: the {@code account} commands and {@code context
 * list} of the command line, done by the server itself, so they need no restart and take effect
 * for it at once (a changed password or a disabled account is forgotten from its login cache).
 *
 * <p>It listens on the loopback address only, on a port of its own (never the public port, so no
 * proxy in front of the service reaches it), and answers only a caller that shows the token the
 * server writes at start into {@link #FILE} in the data folder: readable by the server's own
 * operating-system user only (0600, in the 0700 data folder), and deleted when it stops. Before
 * a caller sends the token (or a password), it asks the server to prove that it knows the token
 * too ({@link #HELLO}), so a file left by a killed server never sends them to whatever program
 * took its port since.
 *
 * <p>Requests: {@code GET /hello?nonce=N} answers {@link #proof}; every other operation is a
 * {@code POST /OP} of a form, with {@code Authorization: Bearer TOKEN}. Answers are text/plain:
 * 200 with the result, 400 with the message of a refusal (an unknown account, a name taken), 403
 * for a wrong token.
 */
public final class AdminEndpoint implements AutoCloseable {
    /** The file in the data folder that tells the command line where the endpoint is, and its token. */
    public static final String FILE = "admin-endpoint.properties";
    public static final String HELLO = "/hello";
    public static final String ACCOUNT_ADD = "/account/add";
    public static final String ACCOUNT_LIST = "/account/list";
    public static final String ACCOUNT_PASSWD = "/account/passwd";
    public static final String ACCOUNT_SET_ADMIN = "/account/set-admin";
    public static final String ACCOUNT_DISABLE = "/account/disable";
    public static final String ACCOUNT_ENABLE = "/account/enable";
    public static final String CONTEXT_LIST = "/context/list";

    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoint.class);
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private final ServerConfig config;
    private final Accounts accounts;
    private final String token;
    private final Path file;
    private final HttpServer server;
    private final ExecutorService executor;

    private AdminEndpoint(ServerConfig config, Accounts accounts) throws IOException {
        this.config = config;
        this.accounts = accounts;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        token = HexFormat.of().formatHex(random);
        file = config.dataDir().resolve(FILE);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "admin-endpoint");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
    }

    /** Starts listening on a free loopback port and writes {@link #FILE} for the command line. */
    public static AdminEndpoint start(ServerConfig config, Accounts accounts) throws IOException {
        AdminEndpoint e = new AdminEndpoint(config, accounts);
        e.server.start();
        try {
            PrivateFiles.write(e.file, "# The running server's admin endpoint (loopback only) for the account and context"
                    + " commands; deleted when it stops.\nport=" + e.port() + "\ntoken=" + e.token + "\n");
        } catch (IOException | RuntimeException ex) {
            e.server.stop(0);
            e.executor.shutdownNow();
            throw ex;
        }
        return e;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** What the server answers to {@code /hello?nonce=N}: an HMAC of the nonce under the token, in hex. */
    public static String proof(String token, String nonce) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(token.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(m.doFinal(("opencasjobs-admin " + nonce).getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** One account as one line of an answer: wsid, admin, disabled, created, user name (URL-encoded). */
    public static String line(Account a) {
        return a.wsid() + "\t" + a.admin() + "\t" + a.disabled() + "\t" + a.created() + "\t"
                + URLEncoder.encode(a.username(), StandardCharsets.UTF_8);
    }

    /** The account of one {@link #line}. */
    public static Account account(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 5) {
            throw new IllegalArgumentException("Not an account line: " + line);
        }
        return new Account(Long.parseLong(f[0]), URLDecoder.decode(f[4], StandardCharsets.UTF_8),
                Boolean.parseBoolean(f[1]), Boolean.parseBoolean(f[2]), LocalDateTime.parse(f[3]));
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (path.equals(HELLO)) {
                String nonce = query(ex).getOrDefault("nonce", "");
                respond(ex, nonce.isEmpty() ? 400 : 200, nonce.isEmpty() ? "No nonce." : proof(token, nonce));
                return;
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth == null || !MessageDigest.isEqual(("Bearer " + token).getBytes(StandardCharsets.UTF_8),
                    auth.getBytes(StandardCharsets.UTF_8))) {
                respond(ex, 403, "The admin token does not match this server's.");
                return;
            }
            if (!ex.getRequestMethod().equals("POST")) {
                respond(ex, 405, "Use POST.");
                return;
            }
            Map<String, String> p = form(ex.getRequestBody());
            try {
                String answer = answer(path, p);
                if (answer == null) {
                    respond(ex, 404, "No admin operation " + path + ".");
                } else {
                    respond(ex, 200, answer);
                }
            } catch (IllegalArgumentException | CasJobsException e) {
                respond(ex, 400, String.valueOf(e.getMessage()));
            } catch (Exception e) {
                LOG.warn("admin {} failed", path, e);
                respond(ex, 500, "The server failed: " + e);
            }
        }
    }

    /** Does one operation; its answer, or null for no such operation. */
    private String answer(String path, Map<String, String> p) throws Exception {
        switch (path) {
            case ACCOUNT_ADD -> {
                Account a = accounts.create(p.get("username"), p.get("password"), Boolean.parseBoolean(p.get("admin")));
                LOG.info("admin: added account {} ({}){}", a.wsid(), a.username(), a.admin() ? ", an administrator" : "");
                return line(a);
            }
            case ACCOUNT_LIST -> {
                return accounts.list().stream().map(AdminEndpoint::line).collect(Collectors.joining("\n"));
            }
            case ACCOUNT_PASSWD -> {
                Account a = find(p);
                accounts.setPassword(a.wsid(), p.get("password"));
                LOG.info("admin: changed the password of account {} ({})", a.wsid(), a.username());
                return line(accounts.find(a.wsid(), null));
            }
            case ACCOUNT_SET_ADMIN -> {
                Account a = find(p);
                boolean admin = Boolean.parseBoolean(p.get("admin"));
                accounts.setAdmin(a.wsid(), admin);
                LOG.info("admin: account {} ({}) {} an administrator", a.wsid(), a.username(), admin ? "is" : "is not");
                return line(accounts.find(a.wsid(), null));
            }
            case ACCOUNT_DISABLE, ACCOUNT_ENABLE -> {
                Account a = find(p);
                boolean disable = path.equals(ACCOUNT_DISABLE);
                accounts.setDisabled(a.wsid(), disable);
                LOG.info("admin: account {} ({}) is {}", a.wsid(), a.username(), disable ? "disabled" : "enabled");
                return line(accounts.find(a.wsid(), null));
            }
            case CONTEXT_LIST -> {
                return ContextAdmin.report(config);
            }
            default -> {
                return null;
            }
        }
    }

    private Account find(Map<String, String> p) {
        String wsid = p.get("wsid");
        try {
            return accounts.find(wsid == null ? null : Long.valueOf(wsid), p.get("username"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Not a wsid: '" + wsid + "'.");
        }
    }

    private static Map<String, String> query(HttpExchange ex) {
        String q = ex.getRequestURI().getRawQuery();
        return q == null ? Map.of() : decode(q);
    }

    private static Map<String, String> form(InputStream body) throws IOException {
        byte[] bytes = body.readNBytes(MAX_REQUEST_BYTES + 1);
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw new IOException("admin request too large");
        }
        return decode(new String(bytes, StandardCharsets.UTF_8));
    }

    private static Map<String, String> decode(String form) {
        Map<String, String> out = new HashMap<>();
        for (String pair : form.split("&")) {
            if (!pair.isEmpty()) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                out.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void respond(HttpExchange ex, int status, String text) throws IOException {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** What {@link #FILE} says: the port and the token, or null if it is missing or unreadable. */
    public static Map<String, String> readFile(Path dataDir) {
        Path f = dataDir.resolve(FILE);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
            p.load(in);
        } catch (IOException e) {
            return null;
        }
        String port = p.getProperty("port");
        String token = p.getProperty("token");
        return port == null || token == null ? null : Map.of("port", port, "token", token);
    }

    /** Stops answering and deletes {@link #FILE} (if it is still this server's). */
    @Override
    public void close() {
        try {
            Map<String, String> f = readFile(config.dataDir());
            if (f != null && f.get("token").equals(token)) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            LOG.warn("could not delete {}: {}", file, e.toString());
        }
        server.stop(0);
        executor.shutdownNow();
    }
}
