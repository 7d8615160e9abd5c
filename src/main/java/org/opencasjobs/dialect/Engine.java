package org.opencasjobs.dialect;

/** The database a translation is rendered for: rules whose output differs per engine ask this. */
public enum Engine {
    /** H2 2.5 in MODE=MSSQLServer, with the functions of {@code catalog.h2} installed. */
    H2,
    /** PostgreSQL 15, with the functions of schema tsql ({@link Target#POSTGRESQL_FUNCTIONS}) on the search path. */
    POSTGRESQL
}
