package org.opencasjobs.catalog;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.dialect.Target;
import org.opencasjobs.jobs.CasJobsException;

/**
 * Where user SQL runs, apart from the job store: the contexts and each account's MyDB, on one
 * engine ({@code casjobs.engine}). {@link H2Catalog}: one embedded database per context and per
 * account; {@link PostgresCatalog}: one PostgreSQL database, a schema per context and per MyDB.
 * Everything the floors above need that differs between the two engines is asked of this
 * interface, so that the executor and the service hold no engine {@code if}s.
 */
public interface Catalog extends AutoCloseable {
    /** Opens the catalog of the configured engine, creating what it lacks. */
    static Catalog open(ServerConfig config) throws IOException, SQLException {
        return config.engine() == ServerConfig.Engine.POSTGRESQL ? PostgresCatalog.open(config) : H2Catalog.open(config);
    }

    /** A JDBC URL fit to show: the value of any password parameter in it replaced by ***. */
    static String withoutPassword(String url) {
        return url.replaceAll("(?i)((?:password|pwd)\\s*=)[^;&]*", "$1***");
    }

    /**
     * A connection as the account's own database user, with {@code context} (a canonical
     * context name, or MyDB) where unqualified names are looked up first. The caller closes it.
     */
    Connection connect(long wsid, String context) throws SQLException;

    /** What the account's SQL is translated for: the engine, and the schema its MyDB is there. */
    Target target(long wsid);

    /**
     * The SQL name of the account's MyDB table {@code table} (a name as the user gave it, or a
     * staging name), qualified with its schema, for statements the service writes itself.
     */
    String myDbTable(long wsid, String table);

    /** Whether the account's MyDB holds {@code table}, a table or view, on {@code c} (from {@link #connect}). */
    boolean myDbTableExists(Connection c, long wsid, String table) throws SQLException;

    /**
     * Renames a MyDB table written under a staging name to the name the user gave it, with
     * {@code st}, a statement of the account's connection.
     */
    void renameMyDbTable(Statement st, long wsid, String staging, String table) throws SQLException;

    /**
     * Makes the statements of {@code c} hand out rows as they are computed and read, rather than
     * building a whole result first (quick jobs, extracts); the caller then commits after each
     * statement when {@code c} is no longer in auto-commit mode.
     */
    void streamRows(Connection c) throws SQLException;

    /**
     * A quick job's connection: as {@link #connect}, its rows handed out as they are read
     * ({@link #streamRows}) and its statements run by {@link #executeQuick}. The caller closes it.
     */
    default Connection connectQuick(long wsid, String context) throws SQLException {
        Connection c = connect(wsid, context);
        try {
            streamRows(c);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /**
     * Runs one statement of a quick job on {@code st}, a statement of {@link #connectQuick}'s
     * connection, as {@link Statement#execute} does; where the engine must hold a result to run it
     * at full speed (PostgreSQL's parallel plans), within the quick limits, a result too large
     * failing with {@link QuickResultTooLarge}.
     */
    default boolean executeQuick(Statement st, String statement) throws SQLException {
        return st.execute(statement);
    }

    /**
     * Limits the next statements of {@code st} to {@code seconds}: the JDBC timeout everywhere,
     * and where the engine has one, its own statement timeout too.
     */
    void limitTime(Statement st, int seconds) throws SQLException;

    /**
     * The rows of {@code statement} (run in {@code context}) as users read them. On
     * PostgreSQL, which folds names to lower case, the columns a {@code *} gave from a context's
     * tables are labelled as the catalog spells them ({@code objID}, not {@code objid}); H2 keeps
     * every name as created, and columns the statement names itself keep the user's spelling.
     */
    default ResultSet spelled(long wsid, String context, String statement, ResultSet rs)
            throws SQLException {
        return rs;
    }

    /** Loads CSV text into the account's MyDB table (see {@link CsvUpload}); {@code check} runs after each batch. */
    void upload(Connection c, long wsid, String table, String data, boolean tableExists, CsvUpload.Check check)
            throws SQLException;

    /** The most live data one MyDB may hold, in bytes ({@code casjobs.mydb.quota.mb}). */
    long myDbQuotaBytes();

    /** The data an account's MyDB holds now, in bytes. */
    long myDbUsedBytes(long wsid) throws SQLException;

    /** How many MyDBs are open now (H2: databases; PostgreSQL: accounts provisioned by this process). */
    int openMyDbCount();

    /** Throws unless the catalog's databases answer (for the health check). */
    void check() throws SQLException;

    @Override
    void close();

    /**
     * The message of a job or upload stopped because it would take a MyDB past its quota.
     *
     * @param usedBytes what the MyDB held before the job or upload began
     */
    default String quotaExceeded(long usedBytes) {
        return "Your MyDB would exceed its " + mb(myDbQuotaBytes()) + " MB quota (it uses " + mb(usedBytes)
                + " MB); drop tables you no longer need (DROP TABLE mydb.T) and try again.";
    }

    /** The message of a job or upload refused because the MyDB is past its quota already. */
    default String quotaReached(long usedBytes) {
        return "Your MyDB has reached its " + mb(myDbQuotaBytes()) + " MB quota (it uses " + mb(usedBytes)
                + " MB); drop tables you no longer need (DROP TABLE mydb.T) and try again.";
    }

    /**
     * Throws, with {@link #quotaReached}, if the account's MyDB holds its quota or more.
     *
     * @return what it holds, in bytes
     */
    default long checkMyDbQuota(long wsid) throws SQLException {
        long used = myDbUsedBytes(wsid);
        if (used >= myDbQuotaBytes()) {
            throw new CasJobsException(quotaReached(used));
        }
        return used;
    }

    /** Whether usage {@code now} is past the quota and grew since {@code before}: a job caused it. */
    default boolean grewPastQuota(long before, long now) {
        return now > myDbQuotaBytes() && now > before;
    }

    private static long mb(long bytes) {
        return (bytes + 512 * 1024) / (1024 * 1024);
    }

    /**
     * Marks {@code c} as running job {@code jobId}, so that another node can find and stop its
     * statement after this node was lost ({@link #stopJob}). Nothing where a catalog is one node's.
     */
    default void tagJob(Connection c, long jobId) throws SQLException {
    }

    /**
     * Stops what a lost node left of job {@code jobId} of account {@code wsid} where other nodes can
     * reach it: its statements still running, then the table it was creating ({@code null}: none).
     * Nothing where MyDBs are one node's files (that node drops the table when it next opens it).
     *
     * @return how many statements were stopped
     */
    default int stopLostJob(long wsid, long jobId, String creatingTable) throws SQLException {
        return 0;
    }
}
