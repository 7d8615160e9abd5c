package org.opencasjobs.bench;

import java.util.Base64;
import org.opencasjobs.catalog.postgres.PostgresNames;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.dialect.Target;

/**
 * Prints what the service runs on PostgreSQL for each query, so that the engines benchmark can run
 * exactly that by direct JDBC: the product's own translator, as a quick job of account
 * {@code wsid} in context {@code context} (run with the product jar on the class path).
 * Arguments: wsid, context, then the queries, each Base64 (UTF-8); prints for each query one line
 * per statement, {@code index TAB Base64(statement)}.
 */
public final class Translate {
    private Translate() {
    }

    public static void main(String[] args) {
        long wsid = Long.parseLong(args[0]);
        String context = args[1];
        Base64.Decoder dec = Base64.getDecoder();
        Base64.Encoder enc = Base64.getEncoder();
        StringBuilder out = new StringBuilder();
        for (int i = 2; i < args.length; i++) {
            String sql = new String(dec.decode(args[i]), java.nio.charset.StandardCharsets.UTF_8);
            SqlTranslator.Translation t = SqlTranslator.quick(sql, Target.postgresql(PostgresNames.myDb(wsid)), context);
            for (String statement : t.statements()) {
                out.append(i - 2).append('\t')
                        .append(enc.encodeToString(statement.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        .append('\n');
            }
        }
        System.out.print(out);
        System.out.flush();
        System.exit(0);
    }
}
