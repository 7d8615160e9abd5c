package org.opencasjobs.jobs;

/** A job type as GetJobTypes lists it. */
public record JobType(String type, String description) {
    public static final String QUERY = "QUERY";
}
