package org.opencasjobs.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Every setting of the service, built once from defaults, then an optional properties file, then
 * environment variables, then command-line overrides; parsed and validated once, before anything starts.
 * Setting {@code casjobs.some.name} is read from the environment as {@code CASJOBS_SOME_NAME}.
 *
 * <p>Each setting is declared once below ({@link Setting}: key, default, parser with its bounds); the
 * parsed values are kept by setting, and the getters only look them up.
 */
public final class ServerConfig {
    /** How a setting's text becomes its value; throws (naming {@code key}) if the text is not allowed. */
    @FunctionalInterface
    private interface Parser<T> {
        T parse(String key, String text);
    }

    /** Where the service keeps its data: the embedded H2 (the default) or a PostgreSQL database. */
    public enum Engine {
        H2("h2"), POSTGRESQL("postgresql");

        /** The setting's value that names it. */
        public final String key;

        Engine(String key) {
            this.key = key;
        }
    }

    /** One global setting: its key, its default text, and its parser. */
    private record Setting<T>(String key, String defaultText, Parser<T> parser) {}

    /** The settings by key; the order is the order of the README's table. */
    private static final Map<String, Setting<?>> SETTINGS = new LinkedHashMap<>();

    private static final Setting<Integer> PORT = setting("casjobs.port", "8080", intIn(0, 65535));
    private static final Setting<String> BIND_ADDRESS = setting("casjobs.bind.address", "0.0.0.0", text());
    private static final Setting<Path> DATA_DIR = setting("casjobs.data.dir", "data",
            (key, text) -> Path.of(text).toAbsolutePath());
    private static final Setting<String> PUBLIC_BASE_URL = setting("casjobs.public.base.url", "", (key, text) -> {
        if (!text.isEmpty() && !text.matches("https?://[^\\s]+")) {
            throw invalid(key, "an absolute http:// or https:// URL");
        }
        return text.replaceAll("/+$", "");
    });
    private static final Setting<Long> REQUEST_MAX_BYTES = setting("casjobs.request.max.bytes",
            String.valueOf(512L * 1024 * 1024), longIn(1024, Long.MAX_VALUE));
    private static final Setting<Long> UPLOAD_MAX_BYTES = setting("casjobs.upload.max.bytes",
            String.valueOf(256L * 1024 * 1024), longIn(1, Integer.MAX_VALUE));
    private static final Setting<Long> FORM_MAX_BYTES = setting("casjobs.form.max.bytes",
            String.valueOf(1024L * 1024), longIn(1024, Integer.MAX_VALUE));
    private static final Setting<Integer> OUTPUT_RETENTION_HOURS = setting("casjobs.output.retention.hours", "168",
            intIn(1, 100_000));
    private static final Setting<String> JOBSTORE_URL = setting("casjobs.jobstore.url", "", text());
    private static final Setting<String> JOBSTORE_USER = setting("casjobs.jobstore.user", "sa", text());
    private static final Setting<String> JOBSTORE_PASSWORD = setting("casjobs.jobstore.password", "", text());
    private static final Setting<Integer> JOBSTORE_POOL_SIZE = setting("casjobs.jobstore.pool.size", "10",
            intIn(1, 1000));
    private static final Setting<Engine> ENGINE = setting("casjobs.engine", "h2", (key, text) -> {
        for (Engine e : Engine.values()) {
            if (e.key.equals(text.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw invalid(key, "h2 or postgresql, not '" + text + "'");
    });
    private static final Setting<String> POSTGRESQL_URL = setting("casjobs.postgresql.url", "", text());
    private static final Setting<String> POSTGRESQL_USER = setting("casjobs.postgresql.user", "", text());
    private static final Setting<String> POSTGRESQL_PASSWORD = setting("casjobs.postgresql.password", "", text());
    // 10 GiB of temporary files (sorts, hashes spilled to disk) per statement of an account's role:
    // PostgreSQL's default is none, so one query could fill the server's disk.
    private static final Setting<Integer> POSTGRESQL_TEMP_FILE_LIMIT_MB = setting(
            "casjobs.postgresql.temp.file.limit.mb", "10240", intIn(0, Integer.MAX_VALUE / 1024));
    private static final Setting<String> NODE_ID = setting("casjobs.node.id", "", (key, text) -> {
        if (!text.matches("[A-Za-z0-9._-]{0,64}")) {
            throw invalid(key, "at most 64 letters, digits, dots, dashes and underscores, not '" + text + "'");
        }
        return text;
    });
    private static final Setting<Integer> NODE_LEASE_SECONDS = setting("casjobs.node.lease.seconds", "15",
            intIn(3, 3600));
    private static final Setting<List<String>> CONTEXTS = setting("casjobs.contexts", "Sample",
            ServerConfig::contextList);
    private static final Setting<Integer> QUEUE_QUICK_MINUTES = setting("casjobs.queue.quick.minutes", "1",
            intIn(1, 100_000));
    private static final Setting<List<Integer>> QUEUE_BATCH_MINUTES = setting("casjobs.queue.batch.minutes", "500",
            ServerConfig::minutesList);
    private static final Setting<Integer> QUEUE_QUICK_CONCURRENCY = setting("casjobs.queue.quick.concurrency", "4",
            intIn(1, 1000));
    private static final Setting<Integer> QUEUE_BATCH_CONCURRENCY = setting("casjobs.queue.batch.concurrency", "2",
            intIn(1, 1000));
    private static final Setting<Integer> QUEUE_QUICK_PER_USER = setting("casjobs.queue.quick.per.user", "2",
            intIn(1, 1000));
    private static final Setting<Integer> QUEUE_BATCH_PER_USER = setting("casjobs.queue.batch.per.user", "1",
            intIn(1, 1000));
    private static final Setting<Integer> QUEUE_BATCH_WAITING_PER_USER = setting("casjobs.queue.batch.waiting.per.user",
            "100", intIn(1, 1_000_000));
    private static final Setting<Integer> QUEUE_SECONDS_PER_MINUTE = setting("casjobs.queue.seconds.per.minute", "60",
            intIn(1, 60));
    private static final Setting<Long> QUICK_MAX_ROWS = setting("casjobs.quick.max.rows", "100000",
            longIn(1, Long.MAX_VALUE));
    // 64 MiB: 100000 rows of a wide catalog row (~400 bytes of CSV) still fit, so the row limit
    // stays the one ordinary queries meet; an answer is copied a few times on its way out
    // (builder, string, encoded response), so 4 quick queries a context stay within a few
    // hundred MB each at most.
    private static final Setting<Long> QUICK_MAX_BYTES = setting("casjobs.quick.max.bytes",
            String.valueOf(64L * 1024 * 1024), longIn(1, Integer.MAX_VALUE));
    private static final Setting<Integer> SAMPLE_ROWS = setting("casjobs.sample.rows", "100000",
            intIn(0, 1_000_000_000));
    private static final Setting<Integer> MYDB_OPEN_MAX = setting("casjobs.mydb.open.max", "64",
            intIn(1, 100_000));
    private static final Setting<Integer> MYDB_IDLE_SECONDS = setting("casjobs.mydb.idle.seconds", "300",
            intIn(0, 86_400 * 7));
    // CasJobs gave each MyDB 500 MB to 1 GB; the measure is live data, not the file's size.
    private static final Setting<Integer> MYDB_QUOTA_MB = setting("casjobs.mydb.quota.mb", "1024",
            intIn(1, 100_000_000));
    private static final Setting<Integer> LOGIN_MAX_FAILURES = setting("casjobs.login.max.failures", "10",
            intIn(1, 1_000_000));
    private static final Setting<Integer> LOGIN_WINDOW_SECONDS = setting("casjobs.login.window.seconds", "60",
            intIn(1, 86_400));
    private static final Setting<Integer> LOGIN_CACHE_SECONDS = setting("casjobs.login.cache.seconds", "60",
            intIn(0, 86_400));
    private static final Setting<Boolean> DEMO_ACCOUNT = setting("casjobs.demo.account", "true", bool());
    private static final Setting<Integer> SHUTDOWN_GRACE_SECONDS = setting("casjobs.shutdown.grace.seconds", "30",
            intIn(0, 3600));

    /**
     * One per-context setting, {@code casjobs.context.NAME.name}: text, or (with {@code global}) an override
     * of a global setting, parsed and bounded as that one is, which is also its value when not set.
     */
    private record ContextSetting<T>(String name, Setting<T> global) {}

    /** What may follow {@code casjobs.context.NAME.}: the per-context settings, in this order. */
    private static final List<ContextSetting<?>> CONTEXT_SETTINGS = new ArrayList<>();

    private static final ContextSetting<String> CONTEXT_URL = contextSetting("url", null);
    private static final ContextSetting<String> CONTEXT_USER = contextSetting("user", null);
    private static final ContextSetting<String> CONTEXT_PASSWORD = contextSetting("password", null);
    private static final ContextSetting<String> CONTEXT_SCHEMA = contextSetting("schema", null);
    private static final ContextSetting<List<Integer>> CONTEXT_BATCH_MINUTES = contextSetting("batch.minutes",
            QUEUE_BATCH_MINUTES);
    private static final ContextSetting<Integer> CONTEXT_QUICK_CONCURRENCY = contextSetting("quick.concurrency",
            QUEUE_QUICK_CONCURRENCY);
    private static final ContextSetting<Integer> CONTEXT_BATCH_CONCURRENCY = contextSetting("batch.concurrency",
            QUEUE_BATCH_CONCURRENCY);

    /**
     * Schema names every account's database has already (on H2), or the service's own schemas in
     * the PostgreSQL database (the job store, the T-SQL functions, the browsing views): a context
     * may not take them, since its schema is made readable to every account.
     */
    private static final List<String> RESERVED_CONTEXTS = List.of("mydb", "mydb_information", "information_schema",
            "public", "sys", "dbo", "tsql", "sys_information_schema", "casjobs");
    /**
     * Beginnings of schema names that are not a context's on PostgreSQL: an account's MyDB
     * ({@code mydb_<wsid>}), the service's secret ({@code cj_<database>_server}), PostgreSQL's own.
     */
    private static final List<String> RESERVED_PREFIXES = List.of("mydb_", "cj_", "pg_");
    private static final String CONTEXT_NAME = "[A-Za-z][A-Za-z0-9_]{0,63}";

    /** The texts as given (defaults, file, environment, overrides), by lower-case key. */
    private final Map<String, String> texts;
    /** Where a text came from, for the settings file and the environment ("in FILE", "environment NAME"). */
    private final Map<String, String> origins;
    /** The parsed value of every global setting. */
    private final Map<Setting<?>, Object> values = new HashMap<>();
    /** The per-context settings that are set (of the contexts and MyDB), parsed, by key. */
    private final Map<String, Object> contextValues = new HashMap<>();

    private ServerConfig(Map<String, String> texts, Map<String, String> origins) {
        this.texts = texts;
        this.origins = origins;
        try {
            for (Setting<?> s : SETTINGS.values()) {
                values.put(s, s.parser().parse(s.key(), get(s.key())));
            }
            validateContexts();
            validateEngine();
        } catch (InvalidSetting e) {
            throw new InvalidSetting(e.key, e.allowed, origin(e.key)); // blame the place the value came from
        }
    }

    private static <T> Setting<T> setting(String key, String defaultText, Parser<T> parser) {
        Setting<T> s = new Setting<>(key, defaultText, parser);
        SETTINGS.put(key, s);
        return s;
    }

    private static <T> ContextSetting<T> contextSetting(String name, Setting<T> global) {
        ContextSetting<T> s = new ContextSetting<>(name, global);
        CONTEXT_SETTINGS.add(s);
        return s;
    }

    /** Defaults, then {@code file} (may be null), then the environment, then {@code overrides}. */
    public static ServerConfig load(Path file, Map<String, String> env, Map<String, String> overrides) {
        Map<String, String> v = new LinkedHashMap<>();
        Map<String, String> origins = new HashMap<>();
        SETTINGS.values().forEach(s -> v.put(s.key(), s.defaultText()));
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
                if (!SETTINGS.containsKey(key) && !key.startsWith("casjobs.context.")) {
                    throw new IllegalArgumentException("Unknown setting " + k + " in " + file
                            + ": the settings are " + String.join(", ", SETTINGS.keySet())
                            + " and casjobs.context.NAME.*.");
                }
                v.put(key, p.getProperty(k).trim());
                origins.put(key, "in " + file);
            }
        }
        env.forEach((k, val) -> {
            if (k.startsWith("CASJOBS_")) {
                String key = k.toLowerCase(Locale.ROOT).replace('_', '.');
                v.put(key, val.trim());
                origins.put(key, "environment " + k);
            }
        });
        overrides.forEach((k, val) -> {
            v.put(k.toLowerCase(Locale.ROOT), val);
            origins.remove(k.toLowerCase(Locale.ROOT));
        });
        return new ServerConfig(v, origins);
    }

    /** The defaults alone, with overrides: what tests use. */
    public static ServerConfig of(Map<String, String> overrides) {
        return load(null, Map.of(), overrides);
    }

    /** Parses the per-context settings that are set, after checking that each names a known setting and context. */
    private void validateContexts() {
        List<String> names = CONTEXT_SETTINGS.stream().map(ContextSetting::name).toList();
        for (String key : texts.keySet()) {
            if (!key.startsWith("casjobs.context.")) {
                continue;
            }
            String rest = key.substring("casjobs.context.".length());
            String setting = names.stream().filter(n -> rest.endsWith("." + n)).findFirst().orElse(null);
            if (setting == null) {
                throw new IllegalArgumentException("Unknown setting " + key + " (" + origin(key)
                        + "): a context's settings are casjobs.context.NAME. followed by one of "
                        + String.join(", ", names) + ".");
            }
            String name = rest.substring(0, rest.length() - setting.length() - 1);
            // MyDB has queues of its own to tune, but no url, user, password or schema.
            boolean myDbQueue = name.equals("mydb")
                    && CONTEXT_SETTINGS.stream().anyMatch(s -> s.name().equals(setting) && s.global() != null);
            if (!myDbQueue && contexts().stream()
                    .noneMatch(c -> keyName(c).equals(name) || keyName(c).replace('_', '.').equals(name))) {
                throw new IllegalArgumentException("Setting " + key + " (" + origin(key) + ") names context '"
                        + name + "', which is not in casjobs.contexts (" + String.join(", ", contexts())
                        + "): a typo, or a context to add to casjobs.contexts.");
            }
        }
        parseContext("MyDB");
        for (String c : contexts()) {
            parseContext(c);
            String url = contextUrl(c);
            if (!url.isEmpty() && !url.startsWith("jdbc:")) {
                throw invalid(contextKey(c, CONTEXT_URL.name()), "a JDBC URL starting with jdbc: (or empty for the managed H2"
                        + " database in the data folder), not '" + url + "'");
            }
            if (url.isEmpty()) {
                for (ContextSetting<String> only : List.of(CONTEXT_USER, CONTEXT_PASSWORD, CONTEXT_SCHEMA)) {
                    if (!contextValue(c, only).isEmpty()) {
                        throw invalid(contextKey(c, only.name()), "left unset while " + contextKey(c, CONTEXT_URL.name())
                                + " is empty: it applies only to a context in an external database");
                    }
                }
            } else if (!contextSchema(c).matches("[A-Za-z_][A-Za-z0-9_$]*")) {
                throw invalid(contextKey(c, CONTEXT_SCHEMA.name()), "a schema name (letters, digits, _ or $), not '"
                        + contextSchema(c) + "'");
            }
        }
    }

    /**
     * The PostgreSQL settings go together with {@code casjobs.engine=postgresql}: required with it,
     * refused without it (a URL set while the engine stayed h2 would otherwise be ignored in
     * silence). The URL may not carry the password, which only {@code casjobs.postgresql.password}
     * holds, so that a URL in a log line or a message never reveals it.
     */
    private void validateEngine() {
        List<Setting<String>> postgresql = List.of(POSTGRESQL_URL, POSTGRESQL_USER, POSTGRESQL_PASSWORD);
        if (engine() == Engine.H2) {
            for (Setting<String> s : postgresql) {
                if (!value(s).isEmpty()) {
                    throw invalid(s.key(), "left unset while casjobs.engine is h2: set casjobs.engine=postgresql to"
                            + " keep the service's data in PostgreSQL");
                }
            }
            return;
        }
        String url = value(POSTGRESQL_URL);
        if (url.isEmpty()) {
            throw invalid(POSTGRESQL_URL.key(), "set while casjobs.engine is postgresql: the JDBC URL of the database"
                    + " to use, e.g. jdbc:postgresql://localhost:5432/casjobs");
        }
        if (url.toLowerCase(Locale.ROOT).matches(".*[?&]password=.*")) {
            throw invalid(POSTGRESQL_URL.key(), "a URL without the password: give it in casjobs.postgresql.password,"
                    + " which is never shown");
        }
        if (!url.startsWith("jdbc:postgresql:")) {
            throw invalid(POSTGRESQL_URL.key(), "a JDBC URL starting with jdbc:postgresql:, not '" + url + "'");
        }
        if (value(POSTGRESQL_USER).isEmpty()) {
            throw invalid(POSTGRESQL_USER.key(), "set while casjobs.engine is postgresql: the role that owns the"
                    + " database (the service creates its schema there)");
        }
        if (!value(JOBSTORE_URL).isEmpty()) {
            throw invalid(JOBSTORE_URL.key(), "left unset while casjobs.engine is postgresql: the job store is then"
                    + " in the database of casjobs.postgresql.url");
        }
    }

    /** Parses the settings of {@code context} that are set, as the global settings they override are parsed. */
    private void parseContext(String context) {
        for (ContextSetting<?> s : CONTEXT_SETTINGS) {
            String key = contextKey(context, s.name());
            if (texts.containsKey(key)) {
                contextValues.put(key, s.global() == null ? get(key) : s.global().parser().parse(key, get(key)));
            }
        }
    }

    /** A per-context setting's value: its own if set, else the global one's (or "" for text). */
    @SuppressWarnings("unchecked")
    private <T> T contextValue(String context, ContextSetting<T> s) {
        String key = contextKey(context, s.name());
        if (contextValues.containsKey(key)) {
            return (T) contextValues.get(key);
        }
        return s.global() == null ? (T) "" : value(s.global());
    }

    @SuppressWarnings("unchecked")
    private <T> T value(Setting<T> s) {
        return (T) values.get(s);
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
        return !texts.containsKey(plain) && texts.containsKey(fromEnv) ? fromEnv : plain;
    }

    private String get(String key) {
        return texts.getOrDefault(key, "");
    }

    /** Where the value of {@code key} came from; for a default or a command-line value, how to set it otherwise. */
    private String origin(String key) {
        return origins.getOrDefault(key, "environment " + env(key));
    }

    /** A value a setting does not allow, with where it came from. */
    private static final class InvalidSetting extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        final String key;
        final String allowed;

        InvalidSetting(String key, String allowed, String origin) {
            super("Invalid setting " + key + " (" + origin + "): must be " + allowed + ".");
            this.key = key;
            this.allowed = allowed;
        }
    }

    private static InvalidSetting invalid(String key, String allowed) {
        return new InvalidSetting(key, allowed, "environment " + env(key));
    }

    // ---- parsers ---------------------------------------------------------------------------

    private static Parser<String> text() {
        return (key, text) -> text;
    }

    private static Parser<Long> longIn(long min, long max) {
        return (key, text) -> {
            try {
                long n = Long.parseLong(text);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw invalid(key, "an integer from " + min + " to " + max + ", not '" + text + "'");
        };
    }

    private static Parser<Integer> intIn(int min, int max) {
        Parser<Long> l = longIn(min, max);
        return (key, text) -> (int) (long) l.parse(key, text);
    }

    private static Parser<Boolean> bool() {
        return (key, text) -> {
            String v = text.toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("false")) {
                return Boolean.parseBoolean(v);
            }
            throw invalid(key, "true or false, not '" + text + "'");
        };
    }

    /** Queue time limits: positive minutes, comma-separated; the value is distinct and sorted. */
    private static List<Integer> minutesList(String key, String text) {
        List<Integer> out = new ArrayList<>();
        try {
            for (String s : text.split(",")) {
                int m = Integer.parseInt(s.trim());
                if (m < 1) {
                    throw new NumberFormatException();
                }
                out.add(m);
            }
        } catch (NumberFormatException e) {
            throw invalid(key, "a comma-separated list of positive minutes, not '" + text + "'");
        }
        return out.stream().distinct().sorted().toList();
    }

    /** Context names, comma-separated: each a valid name, not reserved, not twice; at least one. */
    private static List<String> contextList(String key, String text) {
        List<String> out = new ArrayList<>();
        for (String c : text.split(",")) {
            if (!c.isBlank()) {
                out.add(c.trim());
            }
        }
        if (out.isEmpty()) {
            throw invalid(key, "a comma-separated list of context names");
        }
        List<String> seen = new ArrayList<>();
        for (String c : out) {
            String lower = c.toLowerCase(Locale.ROOT);
            if (!c.matches(CONTEXT_NAME)) {
                throw invalid(key, "a comma-separated list of context names, each a letter then letters,"
                        + " digits or _ (at most 64), not '" + c + "'");
            }
            if (RESERVED_CONTEXTS.contains(lower) || RESERVED_PREFIXES.stream().anyMatch(lower::startsWith)) {
                throw invalid(key, "a list of context names other than " + String.join(", ", RESERVED_CONTEXTS)
                        + " (in any case) and names beginning with " + String.join(", ", RESERVED_PREFIXES)
                        + ", which the service's own schemas use, not '" + c + "'");
            }
            if (seen.contains(lower)) {
                throw invalid(key, "a list of different context names, not '" + c + "' twice");
            }
            seen.add(lower);
        }
        return List.copyOf(out);
    }

    // ---- values ----------------------------------------------------------------------------

    public int port() {
        return value(PORT);
    }

    public String bindAddress() {
        return value(BIND_ADDRESS);
    }

    public Path dataDir() {
        return value(DATA_DIR);
    }

    /** Base URL for links handed to clients, or empty to use the address each client used. */
    public String publicBaseUrl() {
        return value(PUBLIC_BASE_URL);
    }

    public long requestMaxBytes() {
        return value(REQUEST_MAX_BYTES);
    }

    /**
     * The most bytes of an HTTP form POST of an operation the server reads, before it can check the
     * login the form carries; only UploadData's data field may be longer (up to {@link #uploadMaxBytes}).
     */
    public long formMaxBytes() {
        return value(FORM_MAX_BYTES);
    }

    /** The most characters of CSV one UploadData call may carry. */
    public long uploadMaxBytes() {
        return value(UPLOAD_MAX_BYTES);
    }

    /** How long extract files stay downloadable. */
    public java.time.Duration outputRetention() {
        return java.time.Duration.ofHours(value(OUTPUT_RETENTION_HOURS));
    }

    /** Where the service's data live: H2, or (job store and accounts, so far) PostgreSQL. */
    public Engine engine() {
        return value(ENGINE);
    }

    /**
     * The job store's JDBC URL: with the PostgreSQL engine {@code casjobs.postgresql.url}; else
     * {@code casjobs.jobstore.url}, or an H2 file in the data folder when that is not set.
     */
    public String jobStoreUrl() {
        if (engine() == Engine.POSTGRESQL) {
            return value(POSTGRESQL_URL);
        }
        String url = value(JOBSTORE_URL);
        return url.isEmpty()
                // Commits are durable at once (an acknowledged job survives a crash), and the store is
                // closed by our own shutdown after the workers stop, not by H2's shutdown hook.
                // REUSE_SPACE=FALSE: every commit's chunk is appended at the end of the file. When H2
                // (2.5.252) writes a chunk into freed space where it did not predict it, it rewrites the
                // file header to name the chunk before it, whose "next" link does not lead to the new
                // one; after kill -9 the store reopens at that older chunk, losing every later commit
                // (issue 15; JobStoreKillTest). A chunk at the end of the file is found from the end.
                // The file then only grows while open; JobStoreDatabase.close compacts it.
                // QUERY_CACHE_SIZE: each pooled session keeps its parsed statements (H2 keeps 8); the
                // store prepares some forty distinct ones, so with 8 most were parsed again on each
                // use, a quarter of a scheduler cycle's time (bench/run --only jobs, JFR).
                ? "jdbc:h2:file:" + dataDir().resolve("jobstore") + ";TRACE_LEVEL_FILE=0;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
                        + ";REUSE_SPACE=FALSE;QUERY_CACHE_SIZE=64"
                : url;
    }

    public String jobStoreUser() {
        return value(engine() == Engine.POSTGRESQL ? POSTGRESQL_USER : JOBSTORE_USER);
    }

    /** A secret: never logged, never put in a message. */
    public String jobStorePassword() {
        return value(engine() == Engine.POSTGRESQL ? POSTGRESQL_PASSWORD : JOBSTORE_PASSWORD);
    }

    /** This process's id among the nodes sharing the job store; empty: one is generated at each start. */
    public String nodeId() {
        return value(NODE_ID);
    }

    /** How long a node may go without renewing its lease before the other nodes take it as lost. */
    public java.time.Duration nodeLease() {
        return java.time.Duration.ofSeconds(value(NODE_LEASE_SECONDS));
    }

    public int jobStorePoolSize() {
        return value(JOBSTORE_POOL_SIZE);
    }

    /** The catalog contexts; MyDB is always there besides them. */
    public List<String> contexts() {
        return new ArrayList<>(value(CONTEXTS));
    }

    /**
     * The JDBC URL of a context that lives in an existing database, or empty for a context in
     * the managed H2 database under the data folder.
     */
    public String contextUrl(String context) {
        return contextValue(context, CONTEXT_URL);
    }

    public String contextUser(String context) {
        return contextValue(context, CONTEXT_USER);
    }

    public String contextPassword(String context) {
        return contextValue(context, CONTEXT_PASSWORD);
    }

    /** The schema of an external context whose tables users see (default PUBLIC); else the context's name. */
    public String contextSchema(String context) {
        if (contextUrl(context).isEmpty()) {
            return context;
        }
        String schema = contextValue(context, CONTEXT_SCHEMA);
        return schema.isEmpty() ? "PUBLIC" : schema;
    }

    public int quickQueueMinutes() {
        return value(QUEUE_QUICK_MINUTES);
    }

    /** Batch queue time limits (minutes) of a context: its own setting, else the global one. */
    public List<Integer> batchQueueMinutes(String context) {
        return contextValue(context, CONTEXT_BATCH_MINUTES);
    }

    /** How many quick queries of a context run at once (its own setting, else the global one); more wait. */
    public int quickConcurrency(String context) {
        return contextValue(context, CONTEXT_QUICK_CONCURRENCY);
    }

    /** How many jobs of each batch queue of a context run at once (its own setting, else the global one). */
    public int batchConcurrency(String context) {
        return contextValue(context, CONTEXT_BATCH_CONCURRENCY);
    }

    /** How many quick queries one user may run at once in one context (the rest of theirs wait). */
    public int quickPerUser() {
        return value(QUEUE_QUICK_PER_USER);
    }

    /** How many batch jobs of one user run at once in one batch queue (the rest of theirs wait). */
    public int batchPerUser() {
        return value(QUEUE_BATCH_PER_USER);
    }

    /** How many batch jobs one user may have waiting in one batch queue; more submissions are refused. */
    public int batchWaitingPerUser() {
        return value(QUEUE_BATCH_WAITING_PER_USER);
    }

    /**
     * Seconds in a queue-limit "minute": 60, except in tests, which shrink queue limits to
     * seconds so that timeouts are observable without waiting minutes.
     */
    public int secondsPerMinute() {
        return value(QUEUE_SECONDS_PER_MINUTE);
    }

    /** The most rows a quick query may return. */
    public long quickMaxRows() {
        return value(QUICK_MAX_ROWS);
    }

    /** The most bytes (UTF-8) of text a quick query's answer may have. */
    public long quickMaxBytes() {
        return value(QUICK_MAX_BYTES);
    }

    /** Rows of PhotoObj in the synthetic Sample context generated on first start. */
    public int sampleRows() {
        return value(SAMPLE_ROWS);
    }

    /** How many MyDB databases may be open at once (each holds about 3 MB of heap while open, with the Sample context). */
    public int myDbOpenMax() {
        return value(MYDB_OPEN_MAX);
    }

    /** Seconds after its last use that an open MyDB database nothing uses is closed (0: kept open until needed). */
    public int myDbIdleSeconds() {
        return value(MYDB_IDLE_SECONDS);
    }

    /**
     * The most data, in MB (MiB), one MyDB may hold: jobs and uploads that would take it past this
     * fail, and jobs that create a table are refused while it is past this.
     */
    public long myDbQuotaBytes() {
        return value(MYDB_QUOTA_MB) * 1024L * 1024L;
    }

    /**
     * The temporary files one statement of an account's PostgreSQL role may write, in MB (MiB);
     * 0: the service sets no limit.
     */
    public int postgresqlTempFileLimitMb() {
        return value(POSTGRESQL_TEMP_FILE_LIMIT_MB);
    }

    public int loginMaxFailures() {
        return value(LOGIN_MAX_FAILURES);
    }

    public int loginWindowSeconds() {
        return value(LOGIN_WINDOW_SECONDS);
    }

    public int loginCacheSeconds() {
        return value(LOGIN_CACHE_SECONDS);
    }

    public boolean demoAccount() {
        return value(DEMO_ACCOUNT);
    }

    /**
     * How long a stopping server waits for requests in flight, and then for batch jobs it is
     * stopping, before it cuts them off.
     */
    public java.time.Duration shutdownGrace() {
        return java.time.Duration.ofSeconds(value(SHUTDOWN_GRACE_SECONDS));
    }
}
