package org.opencasjobs.dialect;

/**
 * One named rewrite from T-SQL to the engine's SQL. A rule gets one statement's text (already
 * valid T-SQL, as the parser accepted it, with earlier rules' edits) and returns it rewritten.
 * Rules never see or produce more than one statement.
 */
interface Rule {
    /** The rule's name, as tests and documentation call it. */
    String name();

    String apply(String sql, Engine engine, Batch batch);
}
