package org.opencasjobs.bench;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The calls the benchmarks make on the product, as clients make them: HTTP POST forms as the
 * Python casjobs package sends them, SOAP 1.1 for uploads (no URL encoding of megabytes), HTTP GET
 * for polling. One instance per thread: it holds one kept-alive connection.
 */
final class Casjobs implements AutoCloseable {
    static final String BASE = "/services/jobs.asmx";
    private static final Pattern NUMBER = Pattern.compile(">(-?\\d+)</");

    private final RawHttp http;
    final long wsid;
    final String pw;

    Casjobs(int port, long wsid, String pw) {
        this.http = new RawHttp("127.0.0.1", port);
        this.wsid = wsid;
        this.pw = pw;
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static byte[] form(String op, String... pairs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            body.append(i == 0 ? "" : "&").append(pairs[i]).append('=').append(enc(pairs[i + 1]));
        }
        return RawHttp.request("POST", BASE + "/" + op, "application/x-www-form-urlencoded", null,
                body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static byte[] getStatusGet(long wsid, String pw, long job) {
        return RawHttp.request("GET", BASE + "/GetJobStatus?wsid=" + wsid + "&pw=" + enc(pw) + "&jobid=" + job,
                null, null, null);
    }

    /** GetJobStatus as a SOAP 1.1 or 1.2 envelope, as the help page shows it. */
    static byte[] getStatusSoap(String path, boolean soap12, long wsid, String pw, long job) {
        String call = "<GetJobStatus xmlns=\"http://Services.Cas.jhu.edu\"><wsId>" + wsid + "</wsId><pw>" + xml(pw)
                + "</pw><jobId>" + job + "</jobId></GetJobStatus>";
        return soap(path, soap12, "GetJobStatus", call);
    }

    static byte[] soap(String path, boolean soap12, String op, String call) {
        String env = soap12
                ? "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap12:Envelope xmlns:soap12=\"http://www.w3.org/2003/05/soap-envelope\"><soap12:Body>"
                  + call + "</soap12:Body></soap12:Envelope>"
                : "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
                  + call + "</soap:Body></soap:Envelope>";
        byte[] body = env.getBytes(StandardCharsets.UTF_8);
        return soap12
                ? RawHttp.request("POST", path, "application/soap+xml; charset=utf-8", null, body)
                : RawHttp.request("POST", path, "text/xml; charset=utf-8",
                        "SOAPAction: \"http://Services.Cas.jhu.edu/" + op + "\"", body);
    }

    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private String call(byte[] request) throws IOException {
        RawHttp.Answer a = http.send(request);
        if (a.status() != 200) {
            throw new IllegalStateException("HTTP " + a.status() + ": " + a.text());
        }
        return a.text();
    }

    private static long number(String answer) {
        Matcher m = NUMBER.matcher(answer);
        if (!m.find()) {
            throw new IllegalStateException("no number in " + answer);
        }
        return Long.parseLong(m.group(1));
    }

    long submitJob(String qry, String context) throws IOException {
        return number(call(form("SubmitJob", "wsid", String.valueOf(wsid), "pw", pw, "qry", qry, "context", context,
                "taskname", "bench", "estimate", "500")));
    }

    /** GetJobStatus calls made by all clients so far: the jobs benchmark reports its polls per job. */
    static final java.util.concurrent.atomic.AtomicLong STATUS_CALLS = new java.util.concurrent.atomic.AtomicLong();

    int status(long job) throws IOException {
        STATUS_CALLS.incrementAndGet();
        return (int) number(call(getStatusGet(wsid, pw, job)));
    }

    void cancel(long job) throws IOException {
        call(form("CancelJob", "wsid", String.valueOf(wsid), "pw", pw, "jobid", String.valueOf(job)));
    }

    String quick(String qry, String context) throws IOException {
        return call(form("ExecuteQuickJob", "wsid", String.valueOf(wsid), "pw", pw, "qry", qry, "context", context,
                "taskname", "bench", "isSystem", "false"));
    }

    long submitExtract(String table, String type) throws IOException {
        return number(call(form("SubmitExtractJob", "wsid", String.valueOf(wsid), "pw", pw, "tableName", table,
                "type", type)));
    }

    /** UploadData over SOAP 1.1: the CSV goes in the envelope as text. */
    void upload(String table, String csv, boolean exists) throws IOException {
        send(uploadRequest(table, csv, exists));
    }

    /**
     * The whole HTTP request of an UploadData (SOAP 1.1), made before the clock starts: escaping
     * and encoding 60 MB is the client's work, not the service's.
     */
    byte[] uploadRequest(String table, String csv, boolean exists) {
        String call = "<UploadData xmlns=\"http://Services.Cas.jhu.edu\"><wsid>" + wsid + "</wsid><pw>" + xml(pw)
                + "</pw><tableName>" + table + "</tableName><data>" + xml(csv) + "</data><tableExists>" + exists
                + "</tableExists></UploadData>";
        return soap(BASE, false, "UploadData", call);
    }

    /** Sends a request made beforehand; fails unless it is answered 200. */
    void send(byte[] request) throws IOException {
        call(request);
    }

    /** Polls until the job ends (3, 4 or 5) and returns its status. */
    int awaitEnd(long job, long pollMillis) throws Exception {
        return awaitAtLeast(job, 3, pollMillis);
    }

    /** Polls until the job is at least {@code status}; a job stuck for 10 minutes ends the run. */
    int awaitAtLeast(long job, int status, long pollMillis) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        for (int s; ; Thread.sleep(pollMillis)) {
            s = status(job);
            if (s >= status) {
                return s;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + job + " stayed at status " + s + " for 10 minutes");
            }
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
