package org.opencasjobs.dialect;

import org.opencasjobs.jobs.MyDb;

/**
 * What a translation is rendered for: the engine, and the name the account's MyDB has there. On
 * H2 every account has a database of its own whose schema is {@link MyDb#NAME}; on PostgreSQL all
 * accounts share one database, so {@code mydb.T} must name the account's own schema.
 *
 * @param myDbSchema the schema {@code mydb.}, {@code mydb.dbo.} and {@code mydb..} qualifiers become
 */
public record Target(Engine engine, String myDbSchema) {
    /**
     * The classpath resource holding the T-SQL compatibility functions and operators (schema
     * {@code tsql}) that translations for PostgreSQL call: one idempotent script, run as the
     * database's owner (one JDBC execute), before any user's statement.
     */
    public static final String POSTGRESQL_FUNCTIONS = "/org/opencasjobs/dialect/postgresql/tsql.sql";

    /**
     * On PostgreSQL, the schema of SQL Server's {@code information_schema.tables} and
     * {@code .columns}: the catalog's browsing views, which list the current context's tables in
     * SQL Server's shape and SDSS's spelling. PostgreSQL's own {@code information_schema} answers
     * the other views of that name.
     */
    public static final String POSTGRESQL_INFORMATION_SCHEMA = "sys_information_schema";

    /** The embedded engine: the account's own H2 database, schema MyDB. */
    public static final Target H2 = new Target(Engine.H2, MyDb.NAME);

    /** PostgreSQL, where the account's MyDB is the schema {@code myDbSchema} of the shared database. */
    public static Target postgresql(String myDbSchema) {
        return new Target(Engine.POSTGRESQL, myDbSchema);
    }
}
