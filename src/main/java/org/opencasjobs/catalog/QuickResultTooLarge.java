package org.opencasjobs.catalog;

import org.opencasjobs.jobs.CasJobsException;

/**
 * A quick result larger than the answer may be ({@code casjobs.quick.max.bytes}). Said the same way
 * whoever notices it: the writer of the answer, or, on PostgreSQL, the driver holding a result read
 * whole ({@link PostgresQuickReads}).
 */
public final class QuickResultTooLarge extends CasJobsException {
    private static final long serialVersionUID = 1L;
    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;

    public QuickResultTooLarge(long maxBytes) {
        super(message(maxBytes));
    }

    public QuickResultTooLarge(long maxBytes, Throwable cause) {
        super(message(maxBytes), cause);
    }

    private static String message(long maxBytes) {
        return "The result is larger than the " + size(maxBytes) + " a quick query may"
                + " return. Submit it as a batch job with SELECT … INTO mydb.YourTable, then extract or query the"
                + " table.";
    }

    /** {@code 64 MiB}, {@code 512 KiB}, or {@code 1000 bytes}: the limit as it was set. */
    public static String size(long n) {
        if (n >= MIB && n % MIB == 0) {
            return n / MIB + " MiB";
        }
        if (n >= KIB && n % KIB == 0) {
            return n / KIB + " KiB";
        }
        return n + (n == 1 ? " byte" : " bytes");
    }
}
