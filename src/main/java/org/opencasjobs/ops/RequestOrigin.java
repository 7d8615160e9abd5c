package org.opencasjobs.ops;

/**
 * Where the request this thread serves came from: the client's address (login throttling) and
 * the base URL it used (links handed back, such as OutputLoc). Set by the HTTP layer's ASMX filter for
 * every request, so the endpoint knows both on all four protocols.
 */
public final class RequestOrigin {
    /** The base URL is worked out only when asked for: few operations hand back a link. */
    private record Origin(String address, java.util.function.Supplier<String> baseUrl) {
    }

    private static final ThreadLocal<Origin> CURRENT = new ThreadLocal<>();

    private RequestOrigin() {
    }

    public static String address() {
        Origin o = CURRENT.get();
        return o == null ? "unknown" : o.address;
    }

    /** {@code scheme://host[:port]} as the client addressed this server (or the configured public URL). */
    public static String baseUrl() {
        Origin o = CURRENT.get();
        return o == null ? "http://localhost" : o.baseUrl.get();
    }

    /** {@code baseUrl} is called at most while this request is served, on its thread. */
    public static void set(String address, java.util.function.Supplier<String> baseUrl) {
        CURRENT.set(new Origin(address, baseUrl));
    }

    public static void clear() {
        CURRENT.remove();
    }
}
