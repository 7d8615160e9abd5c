package org.opencasjobs.it;

import jakarta.xml.ws.BindingProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.opencasjobs.app.OpenCasJobs;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.Account;
import org.opencasjobs.jobs.ServiceState;
import org.opencasjobs.wire.Jobs;
import org.opencasjobs.wire.JobsSoap;

/**
 * The real service on a free port with a temporary data folder, three accounts (alice, bob and
 * an administrator) and small helpers for raw HTTP calls.
 */
public final class TestServer implements AutoCloseable {
    public static final String NS = "http://Services.Cas.jhu.edu";
    /** Passwords with XML and URL special characters, as real users have. */
    public static final String ALICE_PW = "a&l<i>c%e+1 \"x'";
    public static final String BOB_PW = "bob-secret";
    public static final String ADMIN_PW = "admin-secret";

    public final OpenCasJobs server;
    public final Path dataDir;
    public final Account alice;
    public final Account bob;
    public final Account admin;
    public final HttpClient http = HttpClient.newHttpClient();

    public TestServer() throws Exception {
        this(Map.of());
    }

    public TestServer(Map<String, String> settings) throws Exception {
        this(settings, Clock.systemDefaultZone());
    }

    /** With the clock the service reads (its time is injected): for tests of what it does when that fails. */
    public TestServer(Map<String, String> settings, Clock clock) throws Exception {
        dataDir = Files.createTempDirectory("opencasjobs-test");
        Map<String, String> s = new HashMap<>(Map.of(
                "casjobs.port", "0",
                "casjobs.bind.address", "127.0.0.1",
                "casjobs.data.dir", dataDir.toString(),
                "casjobs.demo.account", "false",
                "casjobs.sample.rows", "2000",
                "casjobs.shutdown.grace.seconds", "5"));
        s.putAll(settings);
        server = OpenCasJobs.start(ServerConfig.of(s), clock);
        alice = server.accounts().create("alice", ALICE_PW, false);
        bob = server.accounts().create("bob", BOB_PW, false);
        admin = server.accounts().create("admin", ADMIN_PW, true);
    }

    /**
     * Keeps submitted jobs waiting (status 0) by suspending the scheduler, as an administrator
     * can: for tests of the job lifecycle that must not race a job running to its end.
     */
    public TestServer holdJobs() {
        server.jobStore().setServiceState(ServiceState.SCHEDULER, ServiceState.SUSPENDED);
        return this;
    }

    /** The service address, e.g. {@code http://127.0.0.1:PORT/services/jobs.asmx}. */
    public String url() {
        return "http://127.0.0.1:" + server.port() + "/services/jobs.asmx";
    }

    /** A client generated from our WSDL, on its SOAP 1.2 or 1.1 port, calling {@code path} of this server. */
    public JobsSoap client(boolean soap12, String path) {
        Jobs service = new Jobs();
        JobsSoap c = soap12 ? service.getJobsSoap12() : service.getJobsSoap();
        ((BindingProvider) c).getRequestContext().put(BindingProvider.ENDPOINT_ADDRESS_PROPERTY,
                "http://127.0.0.1:" + server.port() + path);
        return c;
    }

    /** A generated client calling the service address, {@code /services/jobs.asmx}. */
    public JobsSoap client(boolean soap12) {
        return client(soap12, "/services/jobs.asmx");
    }

    public HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST {@code body} to the service address with the given headers (name, value, …). */
    public HttpResponse<String> post(String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A child JVM running {@code mainClass} with this JVM's java and class path (tests that kill processes). */
    public static ProcessBuilder javaProcess(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    /** A URL-encoded form or query string from name, value pairs. */
    public static String form(Object... pairs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (sb.length() > 0) {
                sb.append('&');
            }
            sb.append(URLEncoder.encode(pairs[i].toString(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1].toString(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    /** A SOAP 1.1 envelope around {@code body}, as the help page shows it. */
    public static String soap11(String body) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n"
                + "  <soap:Body>\n" + body + "\n  </soap:Body>\n</soap:Envelope>";
    }

    /** A SOAP 1.2 envelope around {@code body}, as the help page shows it. */
    public static String soap12(String body) {
        return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap12:Envelope xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
                + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\">\n"
                + "  <soap12:Body>\n" + body + "\n  </soap12:Body>\n</soap12:Envelope>";
    }

    /** Parses a reply namespace-aware, refusing any DTD, as every test here reads XML. */
    public static org.w3c.dom.Document xml(byte[] bytes) throws Exception {
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        f.setFeature(javax.xml.XMLConstants.FEATURE_SECURE_PROCESSING, true);
        javax.xml.parsers.DocumentBuilder db = f.newDocumentBuilder();
        db.setErrorHandler(null); // failures are reported by the exception, not printed
        return db.parse(new java.io.ByteArrayInputStream(bytes));
    }

    public static org.w3c.dom.Document xml(String text) throws Exception {
        return xml(text.getBytes(StandardCharsets.UTF_8));
    }

    /** XML-escapes a value for an envelope. */
    public static String x(Object v) {
        return v.toString().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** Submits a batch job for {@code who} straight through the service (no HTTP) and returns its id. */
    public long submit(Account who, String password) throws Exception {
        HttpResponse<String> r = get("/services/jobs.asmx/SubmitJob?" + form("wsid", who.wsid(), "pw", password,
                "qry", "SELECT 1", "context", "Sample", "taskname", "t", "estimate", 500));
        if (r.statusCode() != 200) {
            throw new IllegalStateException("SubmitJob failed: " + r.body());
        }
        return Long.parseLong(r.body().replaceAll("(?s).*<long[^>]*>(\\d+)</long>.*", "$1"));
    }

    @Override
    public void close() throws Exception {
        server.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
