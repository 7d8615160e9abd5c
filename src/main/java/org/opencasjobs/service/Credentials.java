package org.opencasjobs.service;

/** What a caller presents with every call, and where the call came from (for login throttling). */
public record Credentials(long wsid, String password, String clientAddress) {
    @Override
    public String toString() {
        return "Credentials[wsid=" + wsid + ", clientAddress=" + clientAddress + "]"; // never the password
    }
}
