package org.opencasjobs.jobs;

import java.time.LocalDateTime;

/** A user of the service, identified by its WebServicesID (wsid). */
public record Account(long wsid, String username, boolean admin, boolean disabled, LocalDateTime created) {
}
