package org.opencasjobs.http;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.xml.namespace.QName;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ResourceServlet;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.ee11.servlet.ServletMapping;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.opencasjobs.auth.Accounts;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.ops.Health;
import org.opencasjobs.ops.Metrics;
import org.opencasjobs.output.Extractor;
import org.opencasjobs.output.Outputs;
import org.opencasjobs.soap.Faults;
import org.opencasjobs.soap.JobsEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded Jetty serving jobs.asmx: the ASMX filter in front of the CXF servlet, which hosts
 * one endpoint on the SOAP 1.2 port; it answers SOAP 1.1 and 1.2 alike, each in its own version.
 */
public final class WebServer implements AutoCloseable {
    static final String NS = "http://Services.Cas.jhu.edu";

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

    private final Server jetty;

    public WebServer(ServerConfig config, JobsEndpoint endpoint, Accounts accounts, Path outputs, Metrics metrics,
                     Health health) {
        byte[] wsdl = readWsdl();
        long requestMaxBytes = config.requestMaxBytes();
        jetty = new Server();
        HttpConfiguration http = new HttpConfiguration();
        // Clients that join a base URL ending in '/' with "/Op" send jobs.asmx//Op: accept the empty
        // segment (AsmxFilter ignores it); every other ambiguous form stays refused.
        http.setUriCompliance(UriCompliance.DEFAULT.with("DEFAULT+empty-segment",
                UriCompliance.Violation.AMBIGUOUS_EMPTY_SEGMENT));
        ServerConnector connector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        connector.setHost(config.bindAddress());
        connector.setPort(config.port());
        jetty.addConnector(connector);
        jetty.setErrorHandler(new PlainErrors.InServer());
        // Stopping refuses new connections, then waits this long for requests in flight.
        jetty.setStopTimeout(config.shutdownGrace().toMillis());

        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ctx.setErrorHandler(new PlainErrors.InContext());
        // SOAP requests labelled text/xml without a charset are UTF-8, whatever Jetty would assume.
        ctx.setDefaultRequestCharacterEncoding("UTF-8");
        ctx.setDefaultResponseCharacterEncoding("UTF-8");
        // Forms Jetty reads (casusers.asmx, help pages): bounded as operations' forms are. An
        // operation's form POST is read by FormCall, where only UploadData's data may be longer.
        ctx.setMaxFormContentSize((int) Math.min(config.formMaxBytes(), Integer.MAX_VALUE));
        ctx.setMaxFormKeys(10_000);
        ctx.addFilter(new FilterHolder(new RequestLogFilter(metrics)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(new CasUsersCall(accounts)), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(new FilterHolder(new AsmxFilter(endpoint, wsdl, config.publicBaseUrl(), accounts,
                new FormCall.Limits(config.formMaxBytes(), config.uploadMaxBytes()))), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        ServletHolder cxf = new ServletHolder(new SoapServlet(endpoint));
        cxf.setInitParameter("hide-service-list-page", "true");
        cxf.setName("cxf");
        cxf.setInitOrder(0);
        ctx.getServletHandler().addServlet(cxf);
        ServletMapping mapping = new ServletMapping();
        mapping.setServletName("cxf");
        mapping.setPathSpecs(Arrays.stream(AsmxFilter.BASE_PATHS)
                .map(base -> base.substring(0, base.lastIndexOf('/')) + "/*").toArray(String[]::new));
        ctx.getServletHandler().addServletMapping(mapping);

        // Extract files: Jetty's resource servlet gives Content-Length, Range requests and 404s.
        ServletHolder files = new ServletHolder("outputs", ResourceServlet.class);
        files.setInitParameter("baseResource", outputs.toUri().toString());
        files.setInitParameter("dirAllowed", "false");
        files.setInitParameter("acceptRanges", "true");
        ctx.addServlet(files, Outputs.URL_PATH + "/*");
        for (Extractor.Format f : Extractor.Format.values()) {
            ctx.getMimeTypes().addMimeMapping(f.extension(), f.contentType());
        }

        ServletHolder landing = new ServletHolder("landing", new LandingPage());
        ctx.getServletHandler().addServlet(landing);
        ServletMapping landingMapping = new ServletMapping();
        landingMapping.setServletName("landing");
        landingMapping.setPathSpecs(new String[] {"", LandingPage.README}); // "": the root alone
        ctx.getServletHandler().addServletMapping(landingMapping);

        ServletHolder ops = new ServletHolder("ops", new OpsServlet(metrics, health));
        ctx.getServletHandler().addServlet(ops);
        ServletMapping opsMapping = new ServletMapping();
        opsMapping.setServletName("ops");
        opsMapping.setPathSpecs(new String[] {OpsServlet.METRICS, OpsServlet.HEALTH});
        ctx.getServletHandler().addServletMapping(opsMapping);

        SizeLimitHandler limit = new SizeLimitHandler(requestMaxBytes, -1);
        limit.setHandler(ctx);
        GracefulHandler graceful = new GracefulHandler();
        graceful.setHandler(limit);
        jetty.setHandler(graceful);
    }

    public void start() throws Exception {
        jetty.start();
    }

    /**
     * Fails at once, in the operator's terms, if the configured port is taken: checked before the
     * service touches its data folder, so a second start creates nothing and says why it stopped.
     */
    public static void checkPortFree(ServerConfig config) {
        if (config.port() == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as Jetty binds: a port in TIME_WAIT is free
            probe.bind(new InetSocketAddress(config.bindAddress(), config.port()));
        } catch (IOException e) {
            throw new IllegalStateException("Port " + config.port() + " on " + config.bindAddress()
                    + " is in use (" + e.getMessage() + "): stop what uses it, or choose another port"
                    + " (casjobs.port, CASJOBS_PORT or --port).");
        }
    }

    /** The port actually bound (useful when asked for port 0). */
    public int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    /** Stops accepting requests and waits, up to the shutdown grace period, for those in flight. */
    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } catch (TimeoutException e) {
            LOG.warn("requests still running after the shutdown grace period were cut off");
        }
    }

    static byte[] readWsdl() {
        try (InputStream in = WebServer.class.getResourceAsStream("/wsdl/jobs.wsdl")) {
            if (in == null) {
                throw new IllegalStateException("wsdl/jobs.wsdl is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CXF servlet, publishing our endpoint on its bus once the servlet is initialised. */
    private static final class SoapServlet extends CXFNonSpringServlet {
        private final transient JobsEndpoint endpoint;

        SoapServlet(JobsEndpoint endpoint) {
            this.endpoint = endpoint;
        }

        @Override
        protected void loadBus(ServletConfig sc) {
            super.loadBus(sc);
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(getBus());
            factory.setServiceBean(endpoint);
            factory.setServiceName(new QName(NS, "Jobs"));
            factory.setEndpointName(new QName(NS, "JobsSoap12"));
            factory.setWsdlLocation("classpath:wsdl/jobs.wsdl");
            factory.setAddress("/jobs.asmx");
            factory.setProperties(Map.of("org.apache.cxf.stax.force-start-document", "true"));
            factory.setInInterceptors(List.of(new Faults.VersionFromContentType(), new Faults.ReachedOperation()));
            factory.setOutFaultInterceptors(List.of(new Faults.OutInterceptor()));
            factory.create();
        }
    }
}
