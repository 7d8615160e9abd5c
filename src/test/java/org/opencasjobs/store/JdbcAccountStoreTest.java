package org.opencasjobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencasjobs.jobs.Account;

/** The accounts table on each engine: what an account is created with, and each change to it. */
@ParameterizedClass
@EnumSource(StoreEngine.class)
class JdbcAccountStoreTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 12, 1, 12, 0, 0, 250_000_000);

    @Parameter
    StoreEngine engine;
    private StoreEngine.Fresh db;
    private AccountStore store;

    @BeforeEach
    void open() {
        db = engine.open();
        store = new JdbcAccountStore(db.db().dataSource());
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void anAccountIsFoundByItsWsidAndItsName() {
        assertTrue(store.isEmpty());
        Account alice = store.create("alice", "hash-a", false, T0);
        Account root = store.create("root", "hash-r", true, T0.plusSeconds(1));
        assertFalse(store.isEmpty());
        assertTrue(alice.wsid() >= 100_000_000L && alice.wsid() < 1_000_000_000L, "a nine-digit wsid");
        AccountStore.StoredAccount found = store.find(alice.wsid()).orElseThrow();
        assertEquals(alice, found.account());
        assertEquals("hash-a", found.passwordHash());
        assertEquals(T0, found.account().created());
        assertEquals(root, store.findByName("root").orElseThrow().account());
        assertTrue(root.admin());
        assertEquals(Optional.empty(), store.findByName("ALICE"), "names are matched exactly");
        assertEquals(Optional.empty(), store.find(1L));
        assertEquals(List.of(alice, root).stream().sorted((a, b) -> Long.compare(a.wsid(), b.wsid())).toList(),
                store.list());
    }

    @Test
    void aNameIsTakenOnce() {
        store.create("alice", "h", false, T0);
        assertThrows(IllegalArgumentException.class, () -> store.create("alice", "h2", true, T0));
        assertEquals(1, store.list().size());
    }

    @Test
    void passwordRightsAndDisablingChangeOneAccountOnly() {
        Account alice = store.create("alice", "old", false, T0);
        Account bob = store.create("bob", "bobs", false, T0);
        assertTrue(store.setPasswordHash(alice.wsid(), "new"));
        assertTrue(store.setAdmin(alice.wsid(), true));
        assertTrue(store.setDisabled(alice.wsid(), true));
        assertFalse(store.setDisabled(42L, true), "no such account");
        AccountStore.StoredAccount changed = store.find(alice.wsid()).orElseThrow();
        assertEquals("new", changed.passwordHash());
        assertTrue(changed.account().admin());
        assertTrue(changed.account().disabled());
        AccountStore.StoredAccount other = store.find(bob.wsid()).orElseThrow();
        assertEquals("bobs", other.passwordHash());
        assertFalse(other.account().admin() || other.account().disabled());
        assertTrue(store.setDisabled(alice.wsid(), false));
        assertFalse(store.find(alice.wsid()).orElseThrow().account().disabled());
    }
}
