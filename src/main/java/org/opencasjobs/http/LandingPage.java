package org.opencasjobs.http;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.opencasjobs.ops.RequestOrigin;

/**
 * {@code /}: what a person who types the server's address sees: where the service is, the
 * links every client needs, and the README (served as {@code /README.md}) with its sections.
 */
final class LandingPage extends HttpServlet {
    static final String README = "/README.md";

    private final transient String readme;

    LandingPage() {
        try (InputStream in = LandingPage.class.getResourceAsStream("/doc/README.md")) {
            readme = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getRequestURI().substring(req.getContextPath().length());
        if (path.equals(README)) {
            AsmxFilter.send(resp, 200, "text/markdown; charset=utf-8", readme);
            return;
        }
        String service = RequestOrigin.baseUrl() + "/services/jobs.asmx";
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                + "<title>OpenCasJobs</title></head><body><h1>OpenCasJobs</h1>"
                + "<p>A CasJobs batch SQL service. Clients connect to <code>")
                .append(HelpPages.esc(service)).append("</code> with their WebServicesID (wsid) and password.</p><ul>")
                .append(link("/services/jobs.asmx", "the operations, each with a test form and sample messages"))
                .append(link("/services/jobs.asmx?WSDL", "the WSDL, for SOAP toolkits"))
                .append(link("/services/jobs.asmx?disco", "the DISCO document"))
                .append(link(README, "the README: how to use the service from curl, Python and the CasJobs tool,"
                        + " and how to run it"))
                .append(link("/health", "health"))
                .append(link("/metrics", "metrics"))
                .append("</ul>");
        List<String> sections = readme.lines().filter(l -> l.startsWith("# ") || l.startsWith("## ")).toList();
        if (!sections.isEmpty()) {
            html.append("<h2>In the README</h2><ul>");
            for (String s : sections) {
                html.append(s.startsWith("## ") ? "<li>" : "<li><b>").append(HelpPages.esc(s.replaceFirst("^#+ ", "")))
                        .append(s.startsWith("## ") ? "</li>" : "</b></li>");
            }
            html.append("</ul>");
        }
        AsmxFilter.send(resp, 200, "text/html; charset=utf-8", html.append("</body></html>").toString());
    }

    private static String link(String href, String what) {
        return "<li><a href=\"" + HelpPages.esc(href) + "\">" + HelpPages.esc(href) + "</a>: " + HelpPages.esc(what)
                + "</li>";
    }
}
