package org.opencasjobs.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.http.AdminEndpoint;
import org.opencasjobs.jobs.Account;

/**
 * A server running on the same data folder, reached through its admin endpoint
 * ({@link AdminEndpoint}): the account and context commands use it when there is one, so they
 * work without a restart and take effect for the server at once.
 */
final class RunningServer {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** Row counts of large external contexts may take a while. */
    private static final Duration ANSWER = Duration.ofMinutes(5);

    private final HttpClient http;
    private final String base;
    private final String token;

    private RunningServer(HttpClient http, String base, String token) {
        this.http = http;
        this.base = base;
        this.token = token;
    }

    /**
     * The server running on {@code config}'s data folder, if one answers at the address its file
     * names and proves that it holds the file's token; else empty (none runs, or a killed one
     * left its file behind), and the command opens the data folder itself.
     */
    static Optional<RunningServer> find(ServerConfig config) throws InterruptedException {
        Map<String, String> f = AdminEndpoint.readFile(config.dataDir());
        if (f == null) {
            return Optional.empty();
        }
        String token = f.get("token");
        String base = "http://" + "127.0.0.1:" + f.get("port");
        HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT).proxy(HttpClient.Builder.NO_PROXY).build();
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String nonce = HexFormat.of().formatHex(random);
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + AdminEndpoint.HELLO + "?nonce=" + nonce))
                    .timeout(CONNECT).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            boolean ours = r.statusCode() == 200 && MessageDigest.isEqual(
                    AdminEndpoint.proof(token, nonce).getBytes(StandardCharsets.UTF_8),
                    r.body().trim().getBytes(StandardCharsets.UTF_8));
            return ours ? Optional.of(new RunningServer(http, base, token)) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty(); // nothing listens there (any more)
        }
    }

    /** Calls operation {@code path} with the form {@code params} (name, value, …); its answer, or the server's refusal as an error. */
    String call(String path, String... params) throws IOException, InterruptedException {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < params.length; i += 2) {
            if (params[i + 1] != null) {
                form.append(form.length() == 0 ? "" : "&").append(URLEncoder.encode(params[i], StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(params[i + 1], StandardCharsets.UTF_8));
            }
        }
        HttpResponse<String> r;
        try {
            r = http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(ANSWER)
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString(), StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IOException("The running server did not answer (" + e.getMessage() + "); nothing may have changed:"
                    + " run the command again.", e);
        }
        if (r.statusCode() == 400) {
            throw new IllegalArgumentException(r.body());
        }
        if (r.statusCode() != 200) {
            throw new IllegalStateException("The running server refused: " + r.body().lines().findFirst().orElse(
                    "HTTP " + r.statusCode()));
        }
        return r.body();
    }

    /** Calls an operation that answers one account. */
    Account account(String path, String... params) throws IOException, InterruptedException {
        return AdminEndpoint.account(call(path, params).trim());
    }

    /** Calls an operation that answers accounts, one a line. */
    List<Account> accounts(String path, String... params) throws IOException, InterruptedException {
        return call(path, params).lines().filter(l -> !l.isEmpty()).map(AdminEndpoint::account).toList();
    }
}
