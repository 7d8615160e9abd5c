package org.opencasjobs.dialect;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A translation run on a connection, answered in {@link DialectCorpus}'s notation, whatever the engine. */
final class Answers {
    private Answers() {
    }

    /** The rows of the last statement that returned rows: rows joined by ';', columns by ','. */
    static String of(Connection db, SqlTranslator.Translation t) throws SQLException {
        String answer = null;
        try (Statement s = db.createStatement()) {
            for (String sql : t.statements()) {
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        List<String> rows = new ArrayList<>();
                        while (rs.next()) {
                            List<String> cols = new ArrayList<>();
                            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                                cols.add(text(rs.getObject(i)));
                            }
                            rows.add(String.join(",", cols));
                        }
                        answer = String.join(";", rows);
                    }
                }
            }
        }
        return answer;
    }

    /** The labels of the last statement's result columns. */
    static List<String> labels(Connection db, SqlTranslator.Translation t) throws SQLException {
        List<String> labels = new ArrayList<>();
        try (Statement s = db.createStatement()) {
            for (String sql : t.statements()) {
                if (s.execute(sql)) {
                    try (ResultSet rs = s.getResultSet()) {
                        labels.clear();
                        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                            labels.add(rs.getMetaData().getColumnLabel(i));
                        }
                    }
                }
            }
        }
        return labels;
    }

    private static String text(Object v) {
        if (v == null) {
            return "NULL";
        }
        if (v instanceof Number n) {
            BigDecimal d = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
            return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }
}
