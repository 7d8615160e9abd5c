package org.opencasjobs.jobs;

/** What a submission records; the store adds the id, status and submission time. */
public record NewJob(
        long wsid,
        Queue queue,
        boolean system,
        String type,
        String taskName,
        String query,
        String intoTable,
        String target,
        int estimate,
        String hostIp,
        String outputBase) {
}
