package org.opencasjobs.catalog;

import java.sql.SQLException;
import java.util.List;

/**
 * Where a catalog load writes, one engine's way: rows go into a staging table, which gets its
 * key and indexes and only then the table's own name, so no one ever sees half a table. The
 * embedded engine's is {@link H2LoadTarget} (batches of INSERTs in one transaction); a PostgreSQL
 * target would fill its staging table with {@code COPY … FROM STDIN} and rename it the same way.
 * {@link ContextLoader} reads the files, checks them and drives these steps in this order.
 */
interface LoadTarget extends AutoCloseable {
    /** Creates the staging table with these columns, in this order, and starts writing it. */
    void create(List<LoadColumn> columns) throws SQLException;

    /** Adds one row, its values in the order of {@link #create}'s columns (null for SQL NULL). */
    void add(Object[] values) throws SQLException;

    /** Writes what {@link #add} still holds and commits the rows. */
    void complete() throws SQLException;

    /**
     * Makes {@code column} the primary key.
     *
     * @throws IllegalArgumentException the column holds a NULL or a value twice (saying which)
     */
    void primaryKey(String column) throws SQLException;

    /** Adds a B-tree index on {@code column}. */
    void index(String column) throws SQLException;

    /** Gives the staging table its own name, then updates the planner's statistics of it. */
    void publish() throws SQLException;

    /** Drops the staging table, if it is there: the load failed. */
    void discard();

    @Override
    void close() throws SQLException;
}
