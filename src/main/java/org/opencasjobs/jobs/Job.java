package org.opencasjobs.jobs;

import java.time.LocalDateTime;

/** One job, with every field that CJJob and Job report. Times not set yet are null. */
public record Job(
        long jobId,
        long wsid,
        JobStatus status,
        int queueMinutes,
        boolean quick,
        boolean system,
        String context,
        String type,
        String taskName,
        String query,
        String modifiedQuery,
        String target,
        String params,
        String intoTable,
        String createdTable,
        String outputLoc,
        String outputBase,
        String error,
        String message,
        String hostIp,
        long rows,
        int estimate,
        LocalDateTime timeSubmit,
        LocalDateTime timeStart,
        LocalDateTime timeEnd) {
}
