package org.opencasjobs.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.opencasjobs.jobs.Job;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.JobType;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.ServiceState;

/**
 * The job store on each engine (an in-memory H2; a fresh PostgreSQL database): what it records,
 * and compare-and-set as the only way a status changes.
 */
@ParameterizedClass
@EnumSource(StoreEngine.class)
class JdbcJobStoreTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 12, 1, 12, 0);
    private static final Queue BATCH = new Queue("Sample", 500, false);
    private static final Queue QUICK = new Queue("Sample", 1, true);

    @Parameter
    StoreEngine engine;
    private StoreEngine.Fresh db;
    private JobStore store;

    @BeforeEach
    void open() {
        db = engine.open();
        store = new JdbcJobStore(db.db().dataSource());
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private long submit(long wsid, Queue queue, boolean system, String task) {
        return store.insert(new NewJob(wsid, queue, system, JobType.QUERY, task, "SELECT 1", null, queue.context(), 0,
                "10.0.0.1", null), T0);
    }

    @Test
    void aNewJobIsReadyWithWhatWasSubmitted() {
        long id = submit(7, BATCH, false, "first");
        Job job = store.find(id).orElseThrow();
        assertEquals(JobStatus.READY, job.status());
        assertEquals(7, job.wsid());
        assertEquals("first", job.taskName());
        assertEquals(500, job.queueMinutes());
        assertEquals(T0, job.timeSubmit());
        assertNull(job.timeStart());
        assertTrue(submit(7, BATCH, false, "second") > id, "ids grow");
        assertEquals(Optional.empty(), store.find(id + 1000));
        assertEquals(Optional.of(new JobStore.Status(7, JobStatus.READY)), store.status(id));
        assertEquals(Optional.empty(), store.status(id + 1000));
    }

    @Test
    void ofTwoMovesFromTheSameStatusOnlyOneWins() throws Exception {
        for (int round = 0; round < 20; round++) {
            long id = submit(7, BATCH, false, null);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Callable<Boolean> start = () -> store.transition(id, JobStatus.READY, JobStatus.STARTED, T0);
                Callable<Boolean> cancel = () -> store.transition(id, JobStatus.READY, JobStatus.CANCELING, T0);
                Future<Boolean> a = pool.submit(start);
                Future<Boolean> b = pool.submit(cancel);
                assertTrue(a.get() ^ b.get(), "exactly one move wins");
                JobStatus winner = a.get() ? JobStatus.STARTED : JobStatus.CANCELING;
                assertEquals(winner, store.find(id).orElseThrow().status());
                assertEquals(List.of(new JobStore.Transition(id, JobStatus.READY, winner, T0)), store.transitions(id));
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void theEndingMoveRecordsItsOutcomeAndTime() {
        long id = submit(7, BATCH, false, null);
        assertTrue(store.transition(id, JobStatus.READY, JobStatus.STARTED, T0.plusMinutes(1)));
        assertFalse(store.transition(id, JobStatus.READY, JobStatus.FINISHED, T0.plusMinutes(2)), "not ready any more");
        assertTrue(store.transition(id, JobStatus.STARTED, JobStatus.FINISHED, T0.plusMinutes(2),
                new JobStore.Outcome(42L, "T", "CREATE TABLE …", null, null)));
        Job job = store.find(id).orElseThrow();
        assertEquals(JobStatus.FINISHED, job.status());
        assertEquals(42, job.rows());
        assertEquals("T", job.createdTable());
        assertEquals(T0.plusMinutes(1), job.timeStart());
        assertEquals(T0.plusMinutes(2), job.timeEnd());
        assertNull(job.error());
    }

    @Test
    void anErrorLongerThanItsColumnStillEndsTheJob() {
        long id = submit(7, BATCH, false, null);
        store.transition(id, JobStatus.READY, JobStatus.STARTED, T0);
        String huge = "Data conversion error converting \"" + "x".repeat(5000) + "\"";
        assertTrue(store.transition(id, JobStatus.STARTED, JobStatus.FAILED, T0, JobStore.Outcome.error(huge)));
        Job job = store.find(id).orElseThrow();
        assertEquals(JobStatus.FAILED, job.status());
        assertEquals(JdbcJobStore.ERROR_CHARS, job.error().length());
        assertTrue(job.error().startsWith("Data conversion error converting \"xxx") && job.error().endsWith("…"));
    }

    @Test
    void aRequeuedJobHasNotStartedAsFarAsAnyoneCanTell() {
        long id = submit(7, BATCH, false, null);
        store.transition(id, JobStatus.READY, JobStatus.STARTED, T0);
        store.transition(id, JobStatus.STARTED, JobStatus.READY, T0.plusSeconds(5));
        assertNull(store.find(id).orElseThrow().timeStart());
        assertEquals(List.of(id), store.idsWithStatus(JobStatus.READY, true));
    }

    @Test
    void waitingJobsComeOldestFirstFromTheirOwnQueueOnly() {
        long first = submit(7, BATCH, false, null);
        submit(7, QUICK, false, null);
        submit(7, new Queue("Sample", 1440, false), false, null);
        long second = submit(8, BATCH, false, null);
        long third = submit(7, BATCH, false, null);
        store.transition(second, JobStatus.READY, JobStatus.STARTED, T0);
        assertEquals(List.of(first, third), store.waitingIds("Sample", 500, 5, 10));
        assertEquals(List.of(first), store.waitingIds("Sample", 500, 1, 10));
        assertEquals(List.of(), store.waitingIds("MyDB", 500, 5, 10));
    }

    @Test
    void aUserWithJobsRunningWaitsWhileOthersStart() {
        long aRunning = submit(7, BATCH, false, null);
        store.transition(aRunning, JobStatus.READY, JobStatus.STARTED, T0);
        long aNext = submit(7, BATCH, false, null);
        submit(7, BATCH, false, null);
        long bFirst = submit(8, BATCH, false, null);
        long cFirst = submit(9, BATCH, false, null);
        assertEquals(List.of(bFirst, cFirst), store.waitingIds("Sample", 500, 5, 1), "one running job each");
        assertEquals(List.of(bFirst), store.waitingIds("Sample", 500, 1, 1));
        assertEquals(List.of(aNext, bFirst, cFirst), store.waitingIds("Sample", 500, 5, 2), "two each");
        assertEquals(2, store.waitingCount(7, "Sample", 500));
        assertEquals(0, store.waitingCount(7, "Sample", 1440));
    }

    @Test
    void aLongBacklogOfOneUserHidesNoOtherUsersJob() {
        // More of one user's jobs wait in front than the store reads at a time.
        long aFirst = submit(7, BATCH, false, null);
        long aSecond = submit(7, BATCH, false, null);
        for (int i = 0; i < 250; i++) {
            submit(7, BATCH, false, null);
        }
        long bFirst = submit(8, BATCH, false, null);
        long bSecond = submit(8, BATCH, false, null);
        long cFirst = submit(9, BATCH, false, null);
        assertEquals(List.of(aFirst, bFirst, cFirst), store.waitingIds("Sample", 500, 5, 1));
        assertEquals(List.of(aFirst, bFirst), store.waitingIds("Sample", 500, 2, 1));
        store.transition(bFirst, JobStatus.READY, JobStatus.STARTED, T0);
        assertEquals(List.of(aFirst, cFirst), store.waitingIds("Sample", 500, 5, 1), "b runs one already");
        assertEquals(List.of(aFirst, aSecond, bSecond, cFirst), store.waitingIds("Sample", 500, 5, 2));
    }

    @Test
    void listingFiltersByOwnerSystemJobsAndConditions() {
        long mine = submit(7, BATCH, false, "alpha");
        long system = submit(7, BATCH, true, "beta");
        long theirs = submit(8, BATCH, false, "alpha");
        Conditions.Where none = Conditions.parse("", false);
        assertEquals(List.of(mine), ids(store.list(none, 7L, false)), "own, not system");
        assertEquals(List.of(system, mine), ids(store.list(none, 7L, true)), "newest first");
        assertEquals(List.of(theirs, mine), ids(store.list(Conditions.parse("taskname:alpha", true), null, false)));
    }

    private static List<Long> ids(List<Job> jobs) {
        return jobs.stream().map(Job::jobId).toList();
    }

    @Test
    void requestedServiceStatesCompleteAtTheCycleStep() {
        assertEquals(Optional.empty(), store.serviceState("Sample/500"));
        store.setServiceState("Sample/500", ServiceState.SUSPENDING);
        store.setServiceState(ServiceState.SCHEDULER, ServiceState.WAKING);
        store.completeServiceStateRequests();
        assertEquals(Optional.of(ServiceState.SUSPENDED), store.serviceState("Sample/500"));
        assertEquals(Optional.of(ServiceState.RUNNING), store.serviceState(ServiceState.SCHEDULER));
    }

    @Test
    void aLongQueryAndItsTimesComeBackAsTheyWere() {
        String query = "SELECT objID FROM PhotoObj WHERE r < 18 -- " + "é".repeat(20_000);
        long id = store.insert(new NewJob(7, BATCH, false, JobType.QUERY, "long", query, "Big", "MyDB", 3, "::1",
                "http://h:8080"), T0.plusNanos(123_000));
        Job job = store.find(id).orElseThrow();
        assertEquals(query, job.query());
        assertEquals("Big", job.intoTable());
        assertEquals("http://h:8080", job.outputBase());
        assertEquals(T0.plusNanos(123_000), job.timeSubmit(), "microseconds kept");
        assertEquals(List.of("QUERY", "CSV", "DataSet", "FITS", "VOTable"),
                store.jobTypes().stream().map(JobType::type).toList());
    }

    @Test
    void theTableAJobIsCreatingIsRecordedOnlyWhileItRuns() {
        long id = submit(7, BATCH, false, null);
        assertFalse(store.recordCreating(id, "Stars"), "not started");
        store.transition(id, JobStatus.READY, JobStatus.STARTED, T0);
        assertTrue(store.recordCreating(id, "Stars"));
        assertEquals(Optional.of("Stars"), store.creatingTable(id));
        assertEquals(java.util.OptionalLong.of(id), store.jobCreating(7, "STARS"), "names match in any case");
        assertEquals(java.util.OptionalLong.empty(), store.jobCreating(8, "Stars"), "another user's table");
        store.transition(id, JobStatus.STARTED, JobStatus.FINISHED, T0);
        assertEquals(java.util.OptionalLong.empty(), store.jobCreating(7, "Stars"), "ended");
    }

    @Test
    void countsOutputsAndConditionsOnTimes() {
        long early = submit(7, BATCH, false, null);
        long late = store.insert(new NewJob(7, QUICK, false, JobType.QUERY, null, "SELECT 2", null, "Sample", 0,
                "10.0.0.1", null), T0.plusDays(1));
        store.transition(early, JobStatus.READY, JobStatus.STARTED, T0);
        store.transition(early, JobStatus.STARTED, JobStatus.FINISHED, T0.plusHours(2),
                new JobStore.Outcome(1L, null, null, "http://h/out/x.csv", null));
        assertEquals(List.of(new JobStore.ActiveCount("Sample", 1, true, JobStatus.READY, 1)), store.activeCounts());
        assertEquals(List.of("http://h/out/x.csv"), store.outputLocations(T0.plusHours(1)));
        assertEquals(List.of(), store.outputLocations(T0.plusHours(3)));
        assertEquals(List.of(early), ids(store.list(Conditions.parse("timesubmit:2026-12-01", false), 7L, false)));
        assertEquals(List.of(late), ids(store.list(Conditions.parse("timesubmit:2026-12-01T13:00,", false), 7L, false)));
        assertEquals(List.of(late, early), ids(store.list(Conditions.parse("status:0|5;context:SAMPLE", false), 7L, false)));
        assertEquals(List.of(early), ids(store.list(Conditions.parse("timeend:,2026-12-01 15:00", false), 7L, false)));
        assertEquals(List.of(early), store.idsWithStatus(JobStatus.FINISHED, false));
    }
}
