package org.opencasjobs.exec;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.opencasjobs.catalog.Catalog;
import org.opencasjobs.catalog.SqlErrors;
import org.opencasjobs.catalog.StagingTables;
import org.opencasjobs.dialect.SqlTranslator;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.MyDb;

/**
 * Runs a job's translated SQL as the job owner's database user, in its context, within a time
 * limit, where {@link RunningStatements} can stop it, and within the MyDB quota: a job that
 * would take its MyDB past it fails ({@link CasJobsException}). The table a job creates is written
 * under a staging name and renamed to its own once its statement completes, so no one reads it
 * half-written; it is removed again if the job does not finish.
 */
public final class QueryRunner {
    /** Turns the rows of the job's last statement into its answer. */
    public interface RowsReader<T> {
        T read(ResultSet rs) throws SQLException;
    }

    /** The answer of the last statement (null when it returned no rows) and the rows written or read. */
    public record Result<T>(T answer, long rows) {
    }

    private final Catalog catalog;
    private final RunningStatements running;

    public QueryRunner(Catalog catalog, RunningStatements running) {
        this.catalog = catalog;
        this.running = running;
    }

    public RunningStatements running() {
        return running;
    }

    /**
     * @param lazy     whether rows are computed only as {@code reader} reads them (quick jobs): H2
     *                 otherwise builds a whole result in memory before the first row is read, so a
     *                 reader that stops early (a quick result over its byte limit) would stop too late
     *                 (issue 15: 20000 rows of 100 KB held 2 GB). A result that must be sorted or
     *                 grouped is still built whole by H2.
     * @param creating told the name of the table the job creates, before the first statement run
     *                 while that table does not exist (so that a crash cannot leave it behind
     *                 unrecorded)
     */
    public <T> Result<T> run(long jobId, long wsid, String context, SqlTranslator.Translation sql,
                             int timeoutSeconds, boolean lazy, RowsReader<T> reader, Consumer<String> creating)
            throws SQLException {
        try (Connection c = lazy ? catalog.connectQuick(wsid, context) : catalog.connect(wsid, context);
             Statement st = c.createStatement()) {
            catalog.tagJob(c, jobId);
            String created = sql.createdTable();
            Pattern createAs = createAs(catalog.target(wsid).myDbSchema());
            // Only a table this job created is removed if the job fails: never one that existed.
            boolean createdHere = false;
            boolean told = false;
            // The job's table is written under this name until its statement completes.
            String staging = null;
            // The quota watches jobs that write MyDB tables: batch jobs and those creating one. A job
            // creating a table is refused while the MyDB is at its quota; others (a DROP TABLE) run.
            boolean watched = created != null || !lazy;
            long usedAtStart = watched ? catalog.myDbUsedBytes(wsid) : 0;
            if (created != null && usedAtStart >= catalog.myDbQuotaBytes()) {
                throw new CasJobsException(catalog.quotaReached(usedAtStart));
            }
            long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
            running.register(jobId, st, deadline, watched ? wsid : -1, usedAtStart);
            try {
                T answer = null;
                long rows = 0;
                for (int index = 0; index < sql.statements().size(); index++) {
                    String statement = sql.statements().get(index);
                    boolean existed = created != null && !createdHere && catalog.myDbTableExists(c, wsid, created);
                    if (created != null && !createdHere && !existed && !told) {
                        creating.accept(created);
                        told = true;
                    }
                    boolean creates = created != null && !createdHere && createsTable(createAs, statement, created);
                    if (creates && existed) {
                        throw new CasJobsException(SqlErrors.alreadyExists(created, sql.source(), sql.origin(index)));
                    }
                    if (creates) {
                        staging = StagingTables.newName("job");
                        statement = createAs.matcher(statement).replaceFirst(Matcher.quoteReplacement(
                                "CREATE TABLE " + catalog.myDbTable(wsid, staging) + " AS "));
                    }
                    // The limit is the job's, not each statement's: later statements get what is left.
                    catalog.limitTime(st, (int) Math.max(1, (deadline - System.nanoTime() + 999_999_999L) / 1_000_000_000L));
                    try {
                        boolean hasRows = lazy ? catalog.executeQuick(st, statement) : st.execute(statement);
                        if (creates) { // complete: now it may be seen under its name
                            catalog.renameMyDbTable(st, wsid, staging, created);
                            staging = null;
                        }
                        if (!hasRows) {
                            commitIfStreaming(c); // what it wrote is measured against the quota next
                        }
                        createdHere |= created != null && !existed && catalog.myDbTableExists(c, wsid, created);
                        // A statement may finish between two of the executor's checks: check after each.
                        if (watched && catalog.grewPastQuota(usedAtStart, catalog.myDbUsedBytes(wsid))) {
                            throw new CasJobsException(catalog.quotaExceeded(usedAtStart));
                        }
                        if (hasRows) {
                            // rows are computed as they are read (lazy): their errors come from here
                            try (ResultSet rs = st.getResultSet()) {
                                answer = reader.read(catalog.spelled(wsid, context, statement, rs));
                            }
                        } else {
                            rows += Math.max(0, st.getUpdateCount());
                            answer = null;
                        }
                        commitIfStreaming(c);
                    } catch (SQLException e) {
                        if (SqlErrors.wasCanceled(e)) {
                            throw e;
                        }
                        // in the user's terms, pointing into their text, never at the engine's statement
                        String message = SqlErrors.message(e, sql.source(), sql.origin(index));
                        Optional<String> missing = SqlErrors.missingTable(e);
                        throw missing.isPresent() ? new TableNotFound(MyDb.tableName(missing.get()), message, e)
                                : new CasJobsException(message, e);
                    }
                }
                if (created != null) {
                    rows = countRows(c, catalog.myDbTable(wsid, created));
                }
                return new Result<>(answer, rows);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                if (staging != null) {
                    dropQuietly(c, wsid, staging);
                }
                if (createdHere) {
                    dropQuietly(c, wsid, created);
                }
                if (e instanceof SQLException sqe && SqlErrors.wasCanceled(sqe)
                        && running.stopped(jobId) == RunningStatements.Stop.QUOTA) {
                    throw new CasJobsException(catalog.quotaExceeded(usedAtStart), e);
                }
                throw e;
            } finally {
                running.unregister(jobId);
            }
        }
    }

    /**
     * A statement named a table that is not there: the executor tells the user when it is one
     * another of their jobs is still writing (it appears only once complete).
     */
    public static final class TableNotFound extends CasJobsException {
        private final String table;

        TableNotFound(String table, String message, Throwable cause) {
            super(message, cause);
            this.table = table;
        }

        /** The table's name as the statement gave it, without schema or brackets. */
        public String table() {
            return table;
        }
    }

    /**
     * How the translator writes the statement that creates the job's table in MyDB schema
     * {@code schema}, and its name (plain, bracketed or double-quoted).
     */
    static Pattern createAs(String schema) {
        return Pattern.compile("^" + Pattern.quote("CREATE TABLE " + schema + ".")
                + "(\\[[^\\]]+]|\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_]*) AS ");
    }

    /** Whether {@code statement} is the translator's CREATE TABLE … AS SELECT of MyDB table {@code table} (H2). */
    static boolean createsTable(String statement, String table) {
        return createsTable(createAs(MyDb.NAME), statement, table);
    }

    /** Whether {@code statement} matches {@code createAs} for MyDB table {@code table}. */
    static boolean createsTable(Pattern createAs, String statement, String table) {
        Matcher m = createAs.matcher(statement);
        return m.find() && MyDb.tableName(m.group(1).startsWith("\"")
                ? m.group(1).substring(1, m.group(1).length() - 1).replace("\"\"", "\"") : m.group(1)).equalsIgnoreCase(table);
    }

    /**
     * The rows of the table a job created, counted by reading them. Not a bare COUNT(*): H2 2.5.252
     * answers that from the table's size, adjusted by walking the undo logs of open transactions,
     * and after kill -9 such a log can hold a record of a table since dropped (a staging table):
     * H2 then fails with "Unable to read the page" (a NullPointerException in Record$Type.read),
     * and the finished INTO job failed (issue 15, CrashSafetyTest). A scan of the rows never reads
     * undo logs.
     */
    private static long countRows(Connection c, String qualifiedTable) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM (SELECT 1 AS one FROM " + qualifiedTable + ") rows_")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Removes a half-written table of the account's MyDB: on the job's connection, still usable
     * after a cancel, or on a new one where the driver closed it (a quick result past what it
     * may hold, on PostgreSQL).
     */
    private void dropQuietly(Connection c, long wsid, String table) {
        try {
            if (!c.isClosed()) {
                drop(c, catalog.myDbTable(wsid, table));
                return;
            }
            try (Connection fresh = catalog.connect(wsid, MyDb.NAME)) {
                drop(fresh, catalog.myDbTable(wsid, table));
            }
        } catch (SQLException ignored) {
            // the job's own error is the one to report
        }
    }

    private static void drop(Connection c, String qualifiedTable) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + qualifiedTable);
            if (!c.getAutoCommit()) {
                c.commit();
            }
        }
    }

    /**
     * Commits a statement's work where rows are streamed: PostgreSQL runs each statement of such
     * a connection in a transaction (a cursor lives only in one); H2's stays in auto-commit.
     */
    private static void commitIfStreaming(Connection c) throws SQLException {
        if (!c.getAutoCommit()) {
            c.commit();
        }
    }

    /**
     * Ends a failed statement's transaction where rows were streamed (PostgreSQL refuses every
     * statement after an error until then); what it wrote is undone with it.
     */
    private static void rollbackQuietly(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                c.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is gone; the job's own error is the one to report
        }
    }
}
