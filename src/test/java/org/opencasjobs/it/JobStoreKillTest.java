package org.opencasjobs.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.opencasjobs.testing.ChildLines;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.JobStatus;
import org.opencasjobs.jobs.NewJob;
import org.opencasjobs.jobs.Queue;
import org.opencasjobs.jobs.ServiceState;
import org.opencasjobs.store.JdbcJobStore;
import org.opencasjobs.store.JobStore;
import org.opencasjobs.store.JobStoreDatabase;

/**
 * What the job store acknowledged survives {@code kill -9} (issue 15). A child JVM opens the job
 * store exactly as the service does ({@link JobStoreDatabase#open} with the default URL of
 * {@link ServerConfig#jobStoreUrl()}), prints what is in it, runs a few jobs through 0 > 1 > 5 and
 * flips the scheduler state, printing each change after its commit returned, falls quiet and is
 * killed with SIGKILL. The next child on the same data folder must show every acknowledged change.
 * Nothing is closed cleanly in between, as with a server that crashes again and again.
 *
 * <p>H2 loses commits once its file has freed space that new chunks are written into (see the
 * comment in {@link ServerConfig#jobStoreUrl()}). Space is freed from chunks older than H2's
 * retention time, 45 s of the file's age, so with the defaults the losses began after about five
 * such rounds of up to 20 s quiet. The child therefore sets {@code RETENTION_TIME 0}: the file
 * behaves at once as a file that is minutes old. Before the fix every round lost data this way.
 * {@code -Djobstorekill.rounds=16 -Djobstorekill.quiet.ms=20000 -Djobstorekill.age=false} runs
 * the slow, unaccelerated version.
 */
class JobStoreKillTest {
    @TempDir
    Path dataDir;

    private Process child;

    @AfterEach
    void killChild() throws Exception {
        if (child != null && child.isAlive()) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void acknowledgedJobsSurviveRepeatedKills() throws Exception {
        int rounds = Integer.getInteger("jobstorekill.rounds", 5);
        int maxQuietMs = Integer.getInteger("jobstorekill.quiet.ms", 500);
        boolean age = Boolean.parseBoolean(System.getProperty("jobstorekill.age", "true"));
        Random random = new Random(Long.getLong("jobstorekill.seed", 15L));
        Map<Long, Integer> acked = new TreeMap<>();
        String ackedState = null;
        List<String> losses = new ArrayList<>();
        int lossRounds = 0;
        for (int round = 1; round <= rounds + 1; round++) {
            boolean last = round > rounds;
            LinkedBlockingQueue<String> out = startChild(last ? 0 : 4, age);
            Map<Long, Integer> seen = new TreeMap<>();
            String seenState = null;
            for (String line; !(line = take(out)).equals("READY"); ) {
                String[] f = line.split(" ");
                if (f[0].equals("JOB")) {
                    seen.put(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                } else if (f[0].equals("STATE")) {
                    seenState = f[1];
                }
            }
            List<String> lost = new ArrayList<>();
            acked.forEach((id, status) -> {
                if (!status.equals(seen.get(id))) {
                    lost.add("job " + id + " acknowledged " + status + ", found " + seen.get(id));
                }
            });
            if (ackedState != null && !ackedState.equals(seenState)) {
                lost.add("scheduler acknowledged " + ackedState + ", found " + seenState);
            }
            if (!lost.isEmpty()) {
                lossRounds++;
                losses.add("after kill " + (round - 1) + ": " + lost);
            }
            // What this child shows is the state from now on, so that each loss is counted once.
            acked.clear();
            acked.putAll(seen);
            ackedState = seenState;
            if (!last) {
                for (String line; !(line = take(out)).equals("QUIET"); ) {
                    String[] f = line.split(" ");
                    if (f[0].equals("ACK")) {
                        acked.put(Long.parseLong(f[1]), Integer.parseInt(f[2]));
                    } else if (f[0].equals("ACKSTATE")) {
                        ackedState = f[1];
                    }
                }
                Thread.sleep(200 + random.nextInt(Math.max(1, maxQuietMs - 200)));
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child JVM exits after SIGKILL");
        }
        System.out.println("[JobStoreKillTest] kills " + rounds + ", kills after which acknowledged data was lost "
                + lossRounds + (losses.isEmpty() ? "" : ": " + losses));
        assertEquals(List.of(), losses, "acknowledged job-store changes lost by kill -9");
        assertEquals(4 * rounds, acked.size(), acked::toString);

        // A clean close compacts the file, which grows while open, and keeps everything.
        Path file = dataDir.resolve("jobstore.mv.db");
        long killedSize = Files.size(file);
        ServerConfig config = ServerConfig.of(Map.of("casjobs.data.dir", dataDir.toString()));
        try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
            assertEquals(4 * rounds, new JdbcJobStore(db.dataSource()).idsWithStatus(JobStatus.FINISHED, false).size());
        }
        long closedSize = Files.size(file);
        System.out.println("[JobStoreKillTest] job store file " + killedSize + " bytes after the kills, "
                + closedSize + " after a clean close");
        assertTrue(closedSize < killedSize, closedSize + " < " + killedSize);
        try (JobStoreDatabase db = JobStoreDatabase.open(config)) {
            JobStore store = new JdbcJobStore(db.dataSource());
            acked.forEach((id, status) -> assertEquals(status, store.find(id).orElseThrow().status().code));
            assertEquals(ackedState, store.serviceState(ServiceState.SCHEDULER).map(ServiceState::name).orElse("none"));
        }
    }

    private static String take(LinkedBlockingQueue<String> out) throws InterruptedException {
        String line = out.poll(120, TimeUnit.SECONDS);
        if (line == null || line.equals("EOF")) {
            fail("the child stopped talking: " + line);
        }
        return line;
    }

    private LinkedBlockingQueue<String> startChild(int jobs, boolean age) throws Exception {
        ProcessBuilder pb = TestServer.javaProcess(Writer.class.getName(), dataDir.toString(), String.valueOf(jobs),
                String.valueOf(age));
        pb.redirectError(ProcessBuilder.Redirect.appendTo(dataDir.resolve("child-stderr.log").toFile()));
        child = pb.start();
        return ChildLines.of(child);
    }

    /**
     * The child: {@code DATA_DIR JOBS AGE}. Prints the store, runs JOBS jobs to their end and flips
     * the scheduler between WAKING and SUSPENDED, printing each change once committed, then waits to
     * be killed. AGE true sets H2's retention time to 0 (see the class comment).
     */
    public static final class Writer {
        public static void main(String[] args) throws Exception {
            JobStoreDatabase db = JobStoreDatabase.open(ServerConfig.of(Map.of("casjobs.data.dir", args[0])));
            JobStore store = new JdbcJobStore(db.dataSource());
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
                if (Boolean.parseBoolean(args[2])) {
                    st.execute("SET RETENTION_TIME 0");
                }
                try (ResultSet rs = st.executeQuery("SELECT jobid, status FROM jobs ORDER BY jobid")) {
                    while (rs.next()) {
                        System.out.println("JOB " + rs.getLong(1) + " " + rs.getInt(2));
                    }
                }
            }
            String state = store.serviceState(ServiceState.SCHEDULER).map(ServiceState::name).orElse("none");
            System.out.println("STATE " + state);
            System.out.println("READY");
            int jobs = Integer.parseInt(args[1]);
            Queue queue = new Queue("Sample", 500, false);
            for (int i = 0; i < jobs; i++) {
                long id = store.insert(new NewJob(1, queue, false, "QUERY", "kill", "SELECT " + i, null, null, 500,
                        "127.0.0.1", null), LocalDateTime.now());
                System.out.println("ACK " + id + " 0");
                store.transition(id, JobStatus.READY, JobStatus.STARTED, LocalDateTime.now());
                System.out.println("ACK " + id + " 1");
                store.transition(id, JobStatus.STARTED, JobStatus.FINISHED, LocalDateTime.now());
                System.out.println("ACK " + id + " 5");
            }
            if (jobs > 0) {
                state = state.equals(ServiceState.WAKING.name()) ? ServiceState.SUSPENDED.name() : ServiceState.WAKING.name();
                store.setServiceState(ServiceState.SCHEDULER, ServiceState.valueOf(state));
                System.out.println("ACKSTATE " + state);
            }
            System.out.println("QUIET");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // never closed: the process is killed
        }
    }
}
