package org.opencasjobs.catalog.postgres;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.Map;

/**
 * A result whose metadata gives some columns other labels, everything else the driver's own:
 * how {@link Spellings#relabelled} hands rows on. A proxy, not a copy of JDBC's 200 methods; it is
 * made only for a result whose labels change.
 */
final class RelabelledRows {
    private RelabelledRows() {
    }

    /** {@code rs}, whose {@code getMetaData().getColumnLabel(i + 1)} is {@code labels.get(i)} where that is given. */
    static ResultSet of(ResultSet rs, Map<Integer, String> labels) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        ResultSetMetaData relabelled = (ResultSetMetaData) Proxy.newProxyInstance(RelabelledRows.class.getClassLoader(),
                new Class<?>[] {ResultSetMetaData.class}, (proxy, m, args) -> {
                    if (m.getName().equals("getColumnLabel") && args != null && args[0] instanceof Integer column
                            && labels.containsKey(column - 1)) {
                        return labels.get(column - 1);
                    }
                    return call(md, m, args);
                });
        return (ResultSet) Proxy.newProxyInstance(RelabelledRows.class.getClassLoader(), new Class<?>[] {ResultSet.class},
                (proxy, m, args) -> m.getName().equals("getMetaData") && args == null ? relabelled : call(rs, m, args));
    }

    /** The driver's own method, its exception as thrown (an SQLException stays one). */
    private static Object call(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
