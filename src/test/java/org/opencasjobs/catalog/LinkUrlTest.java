package org.opencasjobs.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** How linked tables reach their context: H2 contexts answer them lazily. */
class LinkUrlTest {
    private static Catalog.Source source(String driver, String url) {
        return new Catalog.Source(driver, url, "reader", "pw", "PUBLIC", true);
    }

    @Test
    void anH2ContextIsReadLazily() {
        assertEquals("jdbc:h2:file:/data/ctx;LAZY_QUERY_EXECUTION=TRUE",
                Catalog.linkUrl(source("org.h2.Driver", "jdbc:h2:file:/data/ctx")));
    }

    @Test
    void anOperatorsOwnChoiceIsKept() {
        assertEquals("jdbc:h2:file:/data/ctx;lazy_query_execution=false",
                Catalog.linkUrl(source("org.h2.Driver", "jdbc:h2:file:/data/ctx;lazy_query_execution=false")));
    }

    @Test
    void otherEnginesGetTheirUrlAsConfigured() {
        assertEquals("jdbc:postgresql://db/cat", Catalog.linkUrl(source("org.postgresql.Driver", "jdbc:postgresql://db/cat")));
    }
}
