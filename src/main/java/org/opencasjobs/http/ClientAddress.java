package org.opencasjobs.http;

/**
 * The address of the client whose request this thread is serving. Set by {@link AsmxFilter} for
 * every request, so the endpoint can throttle failed logins per address on all four protocols.
 */
public final class ClientAddress {
    private static final ThreadLocal<String> CURRENT = new ThreadLocal<>();

    private ClientAddress() {
    }

    public static String current() {
        String a = CURRENT.get();
        return a == null ? "unknown" : a;
    }

    static void set(String address) {
        CURRENT.set(address);
    }

    static void clear() {
        CURRENT.remove();
    }
}
