package org.opencasjobs.dialect;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which result columns a {@code *} gave, from the statement as it runs on PostgreSQL and the labels it answered. */
class StarColumnsTest {
    private static boolean[] of(String tsql, String... labels) {
        String pg = SqlTranslator.quick(tsql, Target.postgresql("mydb_1"), "Sample").statements().get(0);
        return StarColumns.of(pg, List.of(labels));
    }

    @Test
    void everyColumnOfAStarAlone() {
        assertArrayEquals(new boolean[] {true, true}, of("SELECT * FROM PhotoObj", "objid", "ra"));
        assertArrayEquals(new boolean[] {true, true}, of("SELECT TOP 5 p.* FROM PhotoObj p ORDER BY p.objID", "objid", "ra"));
    }

    @Test
    void noColumnWithoutAStar() {
        assertArrayEquals(new boolean[] {false, false}, of("SELECT objid, ra FROM PhotoObj", "objid", "ra"));
        assertArrayEquals(new boolean[] {false}, of("SELECT COUNT(*) FROM PhotoObj", "count"));
        assertArrayEquals(new boolean[] {false}, of("SELECT n FROM (SELECT * FROM PhotoObj) x", "n"));
    }

    @Test
    void itemsBeforeAndAfterTheStarKeepTheirOwnColumns() {
        // the user wrote objid in lower case: that column keeps it, the star's objid is the star's
        assertArrayEquals(new boolean[] {false, true, true, false},
                of("SELECT objid, p.*, ra AS r FROM PhotoObj p", "objid", "objid", "ra", "r"));
    }

    @Test
    void betweenTwoStarsANameTheStatementWritesIsItsOwn() {
        assertArrayEquals(new boolean[] {true, false, true},
                of("SELECT p.*, 1 AS mine, s.* FROM PhotoObj p, SpecObj s", "objid", "mine", "specobjid"));
    }

    @Test
    void theOuterSelectOfAWithQuery() {
        assertArrayEquals(new boolean[] {true}, of("WITH x AS (SELECT objID AS a FROM PhotoObj) SELECT * FROM x", "a"));
    }
}
