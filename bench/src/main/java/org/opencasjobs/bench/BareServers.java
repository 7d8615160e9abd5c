package org.opencasjobs.bench;

import jakarta.servlet.ServletConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.xml.namespace.QName;
import org.apache.cxf.jaxws.JaxWsServerFactoryBean;
import org.apache.cxf.transport.servlet.CXFNonSpringServlet;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;

/**
 * The two references, in a JVM of their own as the product has its own: a bare CXF endpoint on
 * Jetty, published the way the product publishes its endpoint (one CXF servlet, the SOAP 1.2 port
 * at {@code /services/jobs.asmx}), and a plain Jetty handler answering every GET with the bytes
 * the product answers an HTTP GET GetJobStatus with; given an H2 file ({@code PlainQuick}), it
 * also answers a POST of {@code …/ExecuteQuickJob} by running the form's {@code qry} there.
 * Prints {@code BARE soapPort getPort} when both listen. Arguments: [H2 file] (free ports are chosen).
 */
public final class BareServers {
    static final String NS = "http://Services.Cas.jhu.edu";
    /** What the product answers {@code GET …/jobs.asmx/GetJobStatus?…} for a finished job. */
    static final byte[] GET_ANSWER = ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<int xmlns=\"" + NS + "\">"
            + BareEndpoint.STATUS + "</int>").getBytes(StandardCharsets.UTF_8);

    private BareServers() {
    }

    public static void main(String[] args) throws Exception {
        Server soap = new Server();
        ServerConnector soapConnector = new ServerConnector(soap);
        soapConnector.setHost("127.0.0.1");
        soap.addConnector(soapConnector);
        ServletContextHandler ctx = new ServletContextHandler();
        ctx.setContextPath("/");
        ServletHolder cxf = new ServletHolder(new BareSoapServlet());
        cxf.setInitParameter("hide-service-list-page", "true");
        cxf.setInitOrder(0);
        ctx.addServlet(cxf, "/services/*");
        soap.setHandler(ctx);
        soap.start();

        Server plain = new Server();
        ServerConnector plainConnector = new ServerConnector(plain);
        plainConnector.setHost("127.0.0.1");
        plain.addConnector(plainConnector);
        PlainQuick quick = args.length > 0 ? new PlainQuick(args[0]) : null;
        plain.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/xml; charset=utf-8");
                byte[] answer = quick != null && request.getHttpURI().getPath().endsWith("/ExecuteQuickJob")
                        ? quick.answer(org.eclipse.jetty.io.Content.Source.asString(request, StandardCharsets.UTF_8))
                        : GET_ANSWER;
                response.write(true, ByteBuffer.wrap(answer), callback);
                return true;
            }
        });
        plain.start();
        System.out.println("BARE " + soapConnector.getLocalPort() + " " + plainConnector.getLocalPort());
        System.out.flush();
        soap.join();
    }

    /** CXF's servlet with the bare endpoint published on its bus, as the product's SoapServlet does. */
    private static final class BareSoapServlet extends CXFNonSpringServlet {
        @Override
        protected void loadBus(ServletConfig sc) {
            super.loadBus(sc);
            JaxWsServerFactoryBean factory = new JaxWsServerFactoryBean();
            factory.setBus(getBus());
            factory.setServiceBean(new BareEndpoint());
            factory.setServiceName(new QName(NS, "Jobs"));
            factory.setEndpointName(new QName(NS, "JobsSoap12"));
            factory.setWsdlLocation("classpath:wsdl/jobs.wsdl");
            factory.setAddress("/jobs.asmx");
            factory.setProperties(Map.of("org.apache.cxf.stax.force-start-document", "true"));
            factory.create();
        }
    }
}
