package org.opencasjobs.bench;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The quick query's round-trip reference: what the least a web service answering
 * {@code ExecuteQuickJob} must do, with no logic of the product's. Per call: the form read from an
 * HTTP POST, a new JDBC session on an H2 database held open (as a job gets a new session on its
 * open MyDB), the query, its rows as CSV in an XML string. No login check, job record, translation,
 * limits or metrics: those are the product's overhead the benchmark measures.
 */
final class PlainQuick {
    private static final String MODE = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
    private final String url;
    /** Keeps the database open between calls. */
    private final Connection keeper;

    PlainQuick(String file) throws SQLException {
        url = "jdbc:h2:file:" + file + MODE;
        keeper = DriverManager.getConnection(url, "loader", "bench");
    }

    byte[] answer(String form) throws SQLException {
        String qry = null;
        for (String pair : form.split("&")) {
            if (pair.startsWith("qry=")) {
                qry = URLDecoder.decode(pair.substring(4), StandardCharsets.UTF_8);
            }
        }
        StringBuilder csv = new StringBuilder();
        try (Connection c = DriverManager.getConnection(url, "loader", "bench"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(qry)) {
            int cols = rs.getMetaData().getColumnCount();
            for (int i = 1; i <= cols; i++) {
                csv.append(i > 1 ? "," : "").append(rs.getMetaData().getColumnLabel(i));
            }
            while (rs.next()) {
                csv.append('\n');
                for (int i = 1; i <= cols; i++) {
                    csv.append(i > 1 ? "," : "").append(rs.getString(i));
                }
            }
        }
        return ("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<string xmlns=\"" + BareServers.NS + "\">"
                + Casjobs.xml(csv.toString()) + "\n</string>").getBytes(StandardCharsets.UTF_8);
    }
}
