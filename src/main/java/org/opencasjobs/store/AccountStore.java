package org.opencasjobs.store;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import org.opencasjobs.jobs.Account;

/** Where accounts are kept. Password hashes leave it only for verification. */
public interface AccountStore {
    /** An account with its stored password hash. */
    record StoredAccount(Account account, String passwordHash) {
    }

    /**
     * Adds an account under a new random 9-digit wsid (like the original service's) and returns
     * it; a wsid that is taken already is drawn again.
     */
    Account create(String username, String passwordHash, boolean admin, LocalDateTime now);

    Optional<StoredAccount> find(long wsid);

    Optional<StoredAccount> findByName(String username);

    List<Account> list();

    /** Replaces the password hash of an account; false if there is no such account. */
    boolean setPasswordHash(long wsid, String passwordHash);

    /** Grants or revokes administrator rights; false if there is no such account. */
    boolean setAdmin(long wsid, boolean admin);

    /** Disables an account (logins refused) or enables it again; false if there is no such account. */
    boolean setDisabled(long wsid, boolean disabled);

    boolean isEmpty();
}
