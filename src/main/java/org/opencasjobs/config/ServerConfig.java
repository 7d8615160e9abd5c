package org.opencasjobs.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the service, built once from defaults, then an optional properties file, then
 * environment variables, then command-line overrides; validated before anything starts.
 * Setting {@code casjobs.some.name} is read from the environment as {@code CASJOBS_SOME_NAME}.
 */
public final class ServerConfig {
    /** The settings with their defaults; the order is the order of the README's table. */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();
    static {
        DEFAULTS.put("casjobs.port", "8080");
        DEFAULTS.put("casjobs.bind.address", "0.0.0.0");
        DEFAULTS.put("casjobs.data.dir", "data");
        DEFAULTS.put("casjobs.public.base.url", "");
        DEFAULTS.put("casjobs.request.max.bytes", String.valueOf(512L * 1024 * 1024));
        DEFAULTS.put("casjobs.upload.max.bytes", String.valueOf(256L * 1024 * 1024));
        DEFAULTS.put("casjobs.output.retention.hours", "168");
        DEFAULTS.put("casjobs.jobstore.url", "");
        DEFAULTS.put("casjobs.jobstore.user", "sa");
        DEFAULTS.put("casjobs.jobstore.password", "");
        DEFAULTS.put("casjobs.jobstore.pool.size", "10");
        DEFAULTS.put("casjobs.contexts", "Sample");
        DEFAULTS.put("casjobs.queue.quick.minutes", "1");
        DEFAULTS.put("casjobs.queue.batch.minutes", "500");
        DEFAULTS.put("casjobs.queue.quick.concurrency", "4");
        DEFAULTS.put("casjobs.queue.batch.concurrency", "2");
        DEFAULTS.put("casjobs.queue.seconds.per.minute", "60");
        DEFAULTS.put("casjobs.quick.max.rows", "100000");
        DEFAULTS.put("casjobs.sample.rows", "100000");
        DEFAULTS.put("casjobs.login.max.failures", "10");
        DEFAULTS.put("casjobs.login.window.seconds", "60");
        DEFAULTS.put("casjobs.login.cache.seconds", "60");
        DEFAULTS.put("casjobs.demo.account", "true");
        DEFAULTS.put("casjobs.shutdown.grace.seconds", "30");
    }

    /** What may follow {@code casjobs.context.NAME.}: the per-context settings. */
    private static final List<String> CONTEXT_SETTINGS = List.of("url", "user", "password", "schema",
            "batch.minutes", "quick.concurrency", "batch.concurrency");
    /** Schema names every account's database has already: a context may not take them. */
    private static final List<String> RESERVED_CONTEXTS = List.of("mydb", "mydb_information", "information_schema",
            "public");
    private static final String CONTEXT_NAME = "[A-Za-z][A-Za-z0-9_]{0,63}";

    private final Map<String, String> values;

    private ServerConfig(Map<String, String> values) {
        this.values = values;
        validate();
    }

    /** Defaults, then {@code file} (may be null), then the environment, then {@code overrides}. */
    public static ServerConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        if (file != null) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
            } catch (IOException e) {
                throw new IllegalArgumentException("Cannot read configuration file " + file + ": " + e.getMessage());
            }
            for (String k : p.stringPropertyNames()) {
                String key = k.toLowerCase(Locale.ROOT);
                // A misspelt setting would otherwise be ignored in silence. (The environment is not
                // checked this way: CASJOBS_WSID and CASJOBS_PW belong to the Python casjobs client.)
                if (!DEFAULTS.containsKey(key) && !key.startsWith("casjobs.context.")) {
                    throw new IllegalArgumentException("Unknown setting " + k + " in " + file
                            + ": the settings are " + String.join(", ", DEFAULTS.keySet())
                            + " and casjobs.context.NAME.*.");
                }
                v.put(key, p.getProperty(k).trim());
            }
        }
        env.forEach((k, val) -> {
            if (k.startsWith("CASJOBS_")) {
                v.put(k.toLowerCase(Locale.ROOT).replace('_', '.'), val.trim());
            }
        });
        overrides.forEach((k, val) -> v.put(k.toLowerCase(Locale.ROOT), val));
        return new ServerConfig(v);
    }

    /** The defaults alone, with overrides: what tests use. */
    public static ServerConfig of(Map<String, String> overrides) {
        return load(null, Map.of(), overrides);
    }

    private void validate() {
        intIn("casjobs.port", 0, 65535);
        longIn("casjobs.request.max.bytes", 1024, Long.MAX_VALUE);
        longIn("casjobs.upload.max.bytes", 1, Integer.MAX_VALUE);
        intIn("casjobs.output.retention.hours", 1, 100_000);
        intIn("casjobs.jobstore.pool.size", 1, 1000);
        intIn("casjobs.queue.quick.minutes", 1, 100_000);
        batchQueueMinutes();
        intIn("casjobs.queue.quick.concurrency", 1, 1000);
        intIn("casjobs.queue.batch.concurrency", 1, 1000);
        intIn("casjobs.queue.seconds.per.minute", 1, 60);
        longIn("casjobs.quick.max.rows", 1, Long.MAX_VALUE);
        intIn("casjobs.sample.rows", 0, 1_000_000_000);
        intIn("casjobs.login.max.failures", 1, 1_000_000);
        intIn("casjobs.login.window.seconds", 1, 86_400);
        intIn("casjobs.login.cache.seconds", 0, 86_400);
        bool("casjobs.demo.account");
        intIn("casjobs.shutdown.grace.seconds", 0, 3600);
        if (contexts().isEmpty()) {
            throw invalid("casjobs.contexts", "a comma-separated list of context names");
        }
        validateContexts();
        String base = get("casjobs.public.base.url");
        if (!base.isEmpty() && !base.matches("https?://[^\\s]+")) {
            throw invalid("casjobs.public.base.url", "an absolute http:// or https:// URL");
        }
    }

    private void validateContexts() {
        List<String> seen = new ArrayList<>();
        for (String c : contexts()) {
            String lower = c.toLowerCase(Locale.ROOT);
            if (!c.matches(CONTEXT_NAME)) {
                throw invalid("casjobs.contexts", "a comma-separated list of context names, each a letter then letters,"
                        + " digits or _ (at most 64), not '" + c + "'");
            }
            if (RESERVED_CONTEXTS.contains(lower)) {
                throw invalid("casjobs.contexts", "a list of context names other than MyDB, MyDB_Information,"
                        + " INFORMATION_SCHEMA and PUBLIC, not '" + c + "'");
            }
            if (seen.contains(lower)) {
                throw invalid("casjobs.contexts", "a list of different context names, not '" + c + "' twice");
            }
            seen.add(lower);
        }
        for (String key : values.keySet()) {
            if (!key.startsWith("casjobs.context.")) {
                continue;
            }
            String rest = key.substring("casjobs.context.".length());
            String setting = CONTEXT_SETTINGS.stream().filter(n -> rest.endsWith("." + n)).findFirst().orElse(null);
            if (setting == null) {
                throw new IllegalArgumentException("Unknown setting " + key + " (environment " + env(key)
                        + "): a context's settings are casjobs.context.NAME. followed by one of "
                        + String.join(", ", CONTEXT_SETTINGS) + ".");
            }
            String name = rest.substring(0, rest.length() - setting.length() - 1);
            boolean myDbQueue = name.equals("mydb") && !List.of("url", "user", "password", "schema").contains(setting);
            if (!myDbQueue && contexts().stream()
                    .noneMatch(c -> keyName(c).equals(name) || keyName(c).replace('_', '.').equals(name))) {
                throw new IllegalArgumentException("Setting " + key + " (environment " + env(key) + ") names context '"
                        + name + "', which is not in casjobs.contexts (" + String.join(", ", contexts())
                        + "): a typo, or a context to add to casjobs.contexts.");
            }
        }
        batchQueueMinutes("MyDB");
        quickConcurrency("MyDB");
        batchConcurrency("MyDB");
        for (String c : contexts()) {
            batchQueueMinutes(c);
            quickConcurrency(c);
            batchConcurrency(c);
            String url = contextSetting(c, "url");
            if (!url.isEmpty() && !url.startsWith("jdbc:")) {
                throw invalid(contextKey(c, "url"), "a JDBC URL starting with jdbc: (or empty for the managed H2"
                        + " database in the data folder), not '" + url + "'");
            }
            if (url.isEmpty()) {
                for (String only : List.of("user", "password", "schema")) {
                    if (!contextSetting(c, only).isEmpty()) {
                        throw invalid(contextKey(c, only), "left unset while " + contextKey(c, "url")
                                + " is empty: it applies only to a context in an external database");
                    }
                }
            } else if (!contextSchema(c).matches("[A-Za-z_][A-Za-z0-9_$]*")) {
                throw invalid(contextKey(c, "schema"), "a schema name (letters, digits, _ or $), not '"
                        + contextSchema(c) + "'");
            }
        }
    }

    private static String keyName(String context) {
        return context.toLowerCase(Locale.ROOT);
    }

    private static String env(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /**
     * The key under which {@code setting} of {@code context} is set: {@code casjobs.context.NAME.setting},
     * or its environment form, where a {@code _} in the name became a dot.
     */
    private String contextKey(String context, String setting) {
        String plain = "casjobs.context." + keyName(context) + "." + setting;
        String fromEnv = "casjobs.context." + keyName(context).replace('_', '.') + "." + setting;
        return !values.containsKey(plain) && values.containsKey(fromEnv) ? fromEnv : plain;
    }

    private String contextSetting(String context, String setting) {
        return get(contextKey(context, setting));
    }

    private String get(String key) {
        return values.getOrDefault(key, "");
    }

    private static IllegalArgumentException invalid(String key, String allowed) {
        return new IllegalArgumentException("Invalid setting " + key + " (environment " + env(key) + "): must be "
                + allowed + ".");
    }

    private long longIn(String key, long min, long max) {
        try {
            long n = Long.parseLong(get(key));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, "an integer from " + min + " to " + max + ", not '" + get(key) + "'");
    }

    private int intIn(String key, int min, int max) {
        return (int) longIn(key, min, max);
    }

    private boolean bool(String key) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw invalid(key, "true or false, not '" + get(key) + "'");
    }

    public int port() {
        return intIn("casjobs.port", 0, 65535);
    }

    public String bindAddress() {
        return get("casjobs.bind.address");
    }

    public Path dataDir() {
        return Path.of(get("casjobs.data.dir")).toAbsolutePath();
    }

    /** Base URL for links handed to clients, or empty to use the address each client used. */
    public String publicBaseUrl() {
        return get("casjobs.public.base.url").replaceAll("/+$", "");
    }

    public long requestMaxBytes() {
        return longIn("casjobs.request.max.bytes", 1024, Long.MAX_VALUE);
    }

    /** The most characters of CSV one UploadData call may carry. */
    public long uploadMaxBytes() {
        return longIn("casjobs.upload.max.bytes", 1, Integer.MAX_VALUE);
    }

    /** How long extract files stay downloadable. */
    public java.time.Duration outputRetention() {
        return java.time.Duration.ofHours(intIn("casjobs.output.retention.hours", 1, 100_000));
    }

    /** The job store's JDBC URL: an H2 file in the data folder unless set. */
    public String jobStoreUrl() {
        String url = get("casjobs.jobstore.url");
        return url.isEmpty()
                // Commits are durable at once (an acknowledged job survives a crash), and the store is
                // closed by our own shutdown after the workers stop, not by H2's shutdown hook.
                // REUSE_SPACE=FALSE: every commit's chunk is appended at the end of the file. When H2
                // (2.5.252) writes a chunk into freed space where it did not predict it, it rewrites the
                // file header to name the chunk before it, whose "next" link does not lead to the new
                // one; after kill -9 the store reopens at that older chunk, losing every later commit
                // (issue 15; JobStoreKillTest). A chunk at the end of the file is found from the end.
                // The file then only grows while open; JobStoreDatabase.close compacts it.
                ? "jdbc:h2:file:" + dataDir().resolve("jobstore") + ";TRACE_LEVEL_FILE=0;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
                        + ";REUSE_SPACE=FALSE"
                : url;
    }

    public String jobStoreUser() {
        return get("casjobs.jobstore.user");
    }

    public String jobStorePassword() {
        return get("casjobs.jobstore.password");
    }

    public int jobStorePoolSize() {
        return intIn("casjobs.jobstore.pool.size", 1, 1000);
    }

    /** The catalog contexts; MyDB is always there besides them. */
    public List<String> contexts() {
        List<String> out = new ArrayList<>();
        for (String c : get("casjobs.contexts").split(",")) {
            if (!c.isBlank()) {
                out.add(c.trim());
            }
        }
        return out;
    }

    /**
     * The JDBC URL of a context that lives in an existing database, or empty for a context in
     * the managed H2 database under the data folder.
     */
    public String contextUrl(String context) {
        return contextSetting(context, "url");
    }

    public String contextUser(String context) {
        return contextSetting(context, "user");
    }

    public String contextPassword(String context) {
        return contextSetting(context, "password");
    }

    /** The schema of an external context whose tables users see (default PUBLIC); else the context's name. */
    public String contextSchema(String context) {
        if (contextUrl(context).isEmpty()) {
            return context;
        }
        String schema = contextSetting(context, "schema");
        return schema.isEmpty() ? "PUBLIC" : schema;
    }

    public int quickQueueMinutes() {
        return intIn("casjobs.queue.quick.minutes", 1, 100_000);
    }

    /** Batch queue time limits (minutes) of a context: its own setting, else the global one. */
    public List<Integer> batchQueueMinutes(String context) {
        String key = contextKey(context, "batch.minutes");
        return values.containsKey(key) ? minutesList(key) : batchQueueMinutes();
    }

    private List<Integer> batchQueueMinutes() {
        return minutesList("casjobs.queue.batch.minutes");
    }

    private List<Integer> minutesList(String key) {
        List<Integer> out = new ArrayList<>();
        try {
            for (String s : get(key).split(",")) {
                int m = Integer.parseInt(s.trim());
                if (m < 1) {
                    throw new NumberFormatException();
                }
                out.add(m);
            }
        } catch (NumberFormatException e) {
            throw invalid(key, "a comma-separated list of positive minutes, not '" + get(key) + "'");
        }
        return out.stream().distinct().sorted().toList();
    }

    /** How many quick queries of a context run at once (its own setting, else the global one); more wait. */
    public int quickConcurrency(String context) {
        return perContextInt(context, "quick.concurrency", 1, 1000);
    }

    /** How many jobs of each batch queue of a context run at once (its own setting, else the global one). */
    public int batchConcurrency(String context) {
        return perContextInt(context, "batch.concurrency", 1, 1000);
    }

    private int perContextInt(String context, String name, int min, int max) {
        String own = contextKey(context, name);
        return intIn(values.containsKey(own) ? own : "casjobs.queue." + name, min, max);
    }

    /**
     * Seconds in a queue-limit "minute": 60, except in tests, which shrink queue limits to
     * seconds so that timeouts are observable without waiting minutes.
     */
    public int secondsPerMinute() {
        return intIn("casjobs.queue.seconds.per.minute", 1, 60);
    }

    /** The most rows a quick query may return. */
    public long quickMaxRows() {
        return longIn("casjobs.quick.max.rows", 1, Long.MAX_VALUE);
    }

    /** Rows of PhotoObj in the synthetic Sample context generated on first start. */
    public int sampleRows() {
        return intIn("casjobs.sample.rows", 0, 1_000_000_000);
    }

    public int loginMaxFailures() {
        return intIn("casjobs.login.max.failures", 1, 1_000_000);
    }

    public int loginWindowSeconds() {
        return intIn("casjobs.login.window.seconds", 1, 86_400);
    }

    public int loginCacheSeconds() {
        return intIn("casjobs.login.cache.seconds", 0, 86_400);
    }

    public boolean demoAccount() {
        return bool("casjobs.demo.account");
    }

    /**
     * How long a stopping server waits for requests in flight, and then for batch jobs it is
     * stopping, before it cuts them off.
     */
    public java.time.Duration shutdownGrace() {
        return java.time.Duration.ofSeconds(intIn("casjobs.shutdown.grace.seconds", 0, 3600));
    }
}
