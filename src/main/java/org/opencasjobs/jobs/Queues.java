package org.opencasjobs.jobs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.opencasjobs.config.ServerConfig;
import org.opencasjobs.jobs.CasJobsException;

/** The contexts users may name, each with a quick queue and one or more batch queues. */
public final class Queues {
    public static final String MYDB = "MyDB";

    /** Context name in lower case → its canonical name. */
    private final Map<String, String> contexts = new LinkedHashMap<>();
    private final Map<String, List<Queue>> batch = new LinkedHashMap<>();
    private final int quickMinutes;

    public Queues(ServerConfig config) {
        this.quickMinutes = config.quickQueueMinutes();
        List<String> names = new ArrayList<>(List.of(MYDB));
        names.addAll(config.contexts());
        for (String name : names) {
            String key = name.toLowerCase(Locale.ROOT);
            if (contexts.putIfAbsent(key, name) == null) {
                batch.put(key, config.batchQueueMinutes(name).stream().map(m -> new Queue(name, m, false)).toList());
            }
        }
    }

    /** The canonical name of a context, matched case-insensitively, or a fault listing the choices. */
    public String context(String name) {
        String found = name == null ? null : contexts.get(name.trim().toLowerCase(Locale.ROOT));
        if (found == null) {
            throw new CasJobsException("Unknown context '" + name + "'. Available contexts: "
                    + String.join(", ", contexts.values()) + ".");
        }
        return found;
    }

    /** The catalog contexts' names as the database spells them (MyDB excluded). */
    public String[] catalogs() {
        return contexts.values().stream().filter(c -> !c.equals(MYDB)).toArray(String[]::new);
    }

    public Queue quick(String context) {
        return new Queue(context(context), quickMinutes, true);
    }

    /** The batch queue whose limit is nearest to {@code estimate} minutes; ties go to the shorter. */
    public Queue batchFor(String context, int estimate) {
        Queue best = null;
        for (Queue q : batch.get(context(context).toLowerCase(Locale.ROOT))) {
            if (best == null || Math.abs((long) q.minutes() - estimate) < Math.abs((long) best.minutes() - estimate)) {
                best = q;
            }
        }
        return best;
    }

    /** Every queue, quick first within each context: what GetQueues lists. */
    public List<Queue> all() {
        List<Queue> out = new ArrayList<>();
        for (Map.Entry<String, String> c : contexts.entrySet()) {
            out.add(new Queue(c.getValue(), quickMinutes, true));
            out.addAll(batch.get(c.getKey()));
        }
        return out;
    }

    /** The queue a Get/SetServiceState name ({@code Context/minutes}) refers to, if any. */
    public Optional<Queue> byServiceName(String serviceName) {
        return all().stream().filter(q -> q.serviceName().equalsIgnoreCase(serviceName.trim())).findFirst();
    }
}
