package org.opencasjobs.dialect;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.sf.jsqlparser.parser.CCJSqlParserConstants;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.parser.Token;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.execute.Execute;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SetOperationList;
import org.opencasjobs.jobs.CasJobsException;
import org.opencasjobs.jobs.MyDb;

/**
 * Checks the syntax of CasJobs SQL (SQL Server dialect) and turns it into statements that H2 runs in
 * MSSQLServer mode, or PostgreSQL 15 runs ({@link Target}). Security is not enforced here (database
 * permissions do that): this class only translates what the engine lacks.
 *
 * <p>JSqlParser decides what each statement is; the output is the user's own text with a few token
 * edits (never a deparsed tree), so H2 sees exactly what the user wrote apart from:
 * <ul>
 *   <li>{@code SELECT … INTO t FROM …} becomes {@code CREATE TABLE MyDB.t AS SELECT … FROM …}, since
 *       H2 has no SELECT INTO;</li>
 *   <li>schema qualifiers {@code mydb.}, {@code mydb.dbo.}, {@code mydb..} become {@code MyDB.} and
 *       {@code information_schema.} becomes {@code INFORMATION_SCHEMA.}, and likewise for the catalog
 *       schemas the caller names ({@code Stripe82.dbo.T} and {@code Stripe82..T} become
 *       {@code Stripe82.T}): H2 looks schema names up case-sensitively, even with
 *       CASE_INSENSITIVE_IDENTIFIERS, and has no database level.</li>
 * </ul>
 */
public final class SqlTranslator {

    /**
     * What to run: statements in order, and what the job creates; {@code source} is the user's text
     * and {@code origins} where in it each statement came from, so that a database error can point
     * at the user's own statement.
     */
    public record Translation(List<String> statements, String createdTable, boolean lastReturnsRows, String source,
                              List<Integer> origins) {
        public Translation(List<String> statements, String createdTable, boolean lastReturnsRows) {
            this(statements, createdTable, lastReturnsRows, String.join(";\n", statements), List.of());
        }

        /** Where in {@link #source} statement {@code index} begins (0 when not known). */
        public int origin(int index) {
            return index >= 0 && index < origins.size() ? origins.get(index) : 0;
        }
    }

    private static final Pattern PLAIN_NAME = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)|\\[([A-Za-z_][A-Za-z0-9_]*)]");
    private static final Pattern LINE_COLUMN = Pattern.compile("line (\\d+), column (\\d+)");

    /**
     * Parses run here so that JSqlParser's parse timeout applies. Its own overloads create an executor
     * per call and never shut it down when the parse fails: one leaked non-daemon thread per syntax error.
     */
    private static final ExecutorService PARSER = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "sql-parser");
        t.setDaemon(true);
        return t;
    });

    private enum Mode { QUICK, BATCH, INTO }

    /** Built-in functions that name server paths, which users have no business seeing. */
    private static final java.util.Set<String> HIDDEN_FUNCTIONS = java.util.Set.of("DATABASE_PATH");
    /** {@code information_schema.tables} and {@code .columns} read {@link MyDb#INFO_SCHEMA}'s views. */
    private static final java.util.Set<String> MYDB_INFO_VIEWS = java.util.Set.of("tables", "columns");

    private SqlTranslator() {}

    /*
     * In all three, catalogs are the catalog schema names as created in the database (e.g. "Sample"):
     * qualifiers written in another case (sample.PhotoObj) are rewritten to them.
     */

    /** Syntax check and translation of a quick query (ExecuteQuickJob). */
    public static Translation quick(String sql, String... catalogs) {
        return quick(sql, Target.H2, catalogs);
    }

    /** As {@link #quick(String, String...)}, rendered for {@code target}. */
    public static Translation quick(String sql, Target target, String... catalogs) {
        return translate(sql, Mode.QUICK, null, target, catalogs);
    }

    /** A batch job (SubmitJob): a SELECT without INTO writes into MyDB.{newTableName}. */
    public static Translation batch(String sql, String newTableName, String... catalogs) {
        return batch(sql, newTableName, Target.H2, catalogs);
    }

    /** As {@link #batch(String, String, String...)}, rendered for {@code target}. */
    public static Translation batch(String sql, String newTableName, Target target, String... catalogs) {
        return translate(sql, Mode.BATCH, plainName(newTableName), target, catalogs);
    }

    /** SubmitJobInto: the final SELECT's result goes into a new table MyDB.{table}. */
    public static Translation into(String sql, String table, String... catalogs) {
        return into(sql, table, Target.H2, catalogs);
    }

    /** As {@link #into(String, String, String...)}, rendered for {@code target}. */
    public static Translation into(String sql, String table, Target target, String... catalogs) {
        return translate(sql, Mode.INTO, plainName(table), target, catalogs);
    }

    private static Translation translate(String sql, Mode mode, String table, Target target, String... catalogs) {
        boolean pg = target.engine() == Engine.POSTGRESQL;
        Map<String, String> schemas = new HashMap<>();
        for (String name : catalogs) {
            // on PostgreSQL a context's schema is its name in lower case, as every name there (Labels)
            schemas.put(name.toLowerCase(Locale.ROOT), pg ? name.toLowerCase(Locale.ROOT) : name);
        }
        schemas.put("mydb", target.myDbSchema());
        schemas.put("information_schema", "INFORMATION_SCHEMA");
        schemas.put("sys", "sys"); // SQL Server's catalog views, made in every account's database
        List<Tok> toks = sql == null ? List.of() : Lexer.tokens(sql);
        for (int i = 0; i + 2 < toks.size(); i++) {
            Tok u = toks.get(i);
            Tok amp = toks.get(i + 1);
            Tok text = toks.get(i + 2);
            // SQL Server has no U&'…' escapes; H2 would decode them into names no check here could see.
            if (u.kind() == 'w' && u.text(sql).equalsIgnoreCase("U") && amp.is(sql, "&") && u.end() == amp.start()
                    && amp.end() == text.start() && (text.kind() == 'q' || text.kind() == 's')) {
                throw new CasJobsException("U&'…' (Unicode escapes, " + Where.at(sql, u.start())
                        + ") is not SQL Server syntax: write the characters themselves, or use NCHAR(code).");
            }
        }
        for (Tok t : toks) {
            unclosed(sql, t);
        }
        for (Tok t : toks) {
            String word = t.kind() == 'w' ? t.text(sql) : t.kind() == 'q' ? t.text(sql).replaceAll("^[\\[\"](.*)[]\"]$", "$1") : "";
            if (HIDDEN_FUNCTIONS.contains(word.toUpperCase(Locale.ROOT))) {
                throw new CasJobsException(word + " is not available: it would reveal the server's files.");
            }
        }
        List<List<Tok>> pieces = sql == null ? List.of() : Splitter.split(sql, toks);
        if (pieces.isEmpty()) {
            throw new CasJobsException("The query is empty.");
        }
        List<String> out = new ArrayList<>();
        List<Integer> origins = new ArrayList<>();
        Batch batch = new Batch();
        String created = null;
        boolean rows = false;
        for (int k = 0; k < pieces.size(); k++) {
            List<Tok> piece = pieces.get(k);
            boolean last = k == pieces.size() - 1;
            // before the parser, which would only say "unexpected =" of DECLARE @x = 5
            Variables.check(sql, piece, batch);
            if (pg) {
                Variables.checkSettings(sql, piece);
            }
            Parsed parsed = parse(sql, piece);
            Statement st = parsed.statement();
            if (st instanceof Execute e && e.getExecType() != Execute.ExecType.CALL) {
                // Text run as SQL is out of reach of every check here (it revealed the server's files).
                throw new CasJobsException("EXEC/EXECUTE (" + Where.at(sql, piece.get(0).start())
                        + ") is not supported: write the statement itself.");
            }
            // H2 has no lateral joins: only the cone functions' APPLY is rewritten (see Apply)
            Apply.check(sql, piece, target.engine());
            if (pg) {
                Top.check(sql, piece);
            }
            Select select = st instanceof Select s ? s : null;
            PlainSelect withInto = select == null ? null : findInto(select);
            String plain = withInto != null ? null : rewrite(sql, piece, parsed.names(), false, schemas, pg);
            boolean assigns = plain != null && Variables.assigns(plain);
            rows = false;
            List<String> rendered;
            if (withInto != null) {
                if (mode == Mode.INTO && last) {
                    throw new CasJobsException("Use either SubmitJobInto's table or SELECT … INTO, not both.");
                }
                Table into = intoTarget(withInto, sql, piece);
                String body = render(rewrite(sql, piece, parsed.names(), true, schemas, pg), target, batch, false);
                if (into.getUnquotedName().startsWith("#")) { // lives for the job, is not its result
                    rendered = List.of("CREATE LOCAL TEMPORARY TABLE " + TempTables.name(
                            pg ? into.getUnquotedName().toLowerCase(Locale.ROOT) : into.getUnquotedName(), target.engine())
                            + " AS " + body);
                } else {
                    created = into.getUnquotedName();
                    rendered = List.of("CREATE TABLE " + target.myDbSchema() + "."
                            + (pg ? postgresName(created) : into.getName()) + " AS " + body);
                }
            } else if (select != null && !assigns && last && mode != Mode.QUICK) {
                created = table;
                rendered = List.of("CREATE TABLE " + target.myDbSchema() + "." + (pg ? postgresName(table) : "[" + table + "]")
                        + " AS " + render(plain, target, batch, false));
            } else if (mode == Mode.INTO && last) {
                throw new CasJobsException("SubmitJobInto needs a query whose last statement is a SELECT.");
            } else {
                rows = select != null && !assigns;
                List<String> forVariables = Variables.render(plain, batch, target.engine());
                rendered = forVariables == null ? List.of(render(plain, target, batch, true))
                        : forVariables.stream().map(v -> render(v, target, batch, true)).toList();
            }
            for (String r : rendered) {
                out.add(r);
                origins.add(piece.get(0).start());
            }
        }
        if (out.isEmpty()) {
            throw new CasJobsException("The query has nothing to run: it only sets options.");
        }
        return new Translation(List.copyOf(out), created, rows, sql, List.copyOf(origins));
    }

    /**
     * One statement through every rule, for the engine user SQL runs on; on PostgreSQL then its
     * names folded ({@link Labels}), with the result columns named as written when {@code labels}
     * (not in a table's body, whose columns are lower case).
     */
    private static String render(String statement, Target target, Batch batch, boolean labels) {
        String sql = statement;
        for (Rule rule : Rules.ALL) {
            sql = rule.apply(sql, target.engine(), batch);
        }
        return target.engine() == Engine.POSTGRESQL ? Labels.fold(sql, labels) : sql;
    }

    /**
     * A MyDB table's name on PostgreSQL: lower case, as every name there, unquoted when it is a
     * plain identifier PostgreSQL does not reserve, else quoted.
     */
    static String postgresName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.matches("[a-z_][a-z0-9_]*") && !POSTGRESQL_RESERVED.contains(lower) ? lower : Labels.quote(lower);
    }

    /** PostgreSQL's reserved key words (its documentation's appendix C), which a plain name may not be. */
    private static final Set<String> POSTGRESQL_RESERVED = Set.of("all", "analyse", "analyze", "and", "any", "array",
            "as", "asc", "asymmetric", "authorization", "binary", "both", "case", "cast", "check", "collate", "collation",
            "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date",
            "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "default",
            "deferrable", "desc", "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign",
            "freeze", "from", "full", "grant", "group", "having", "ilike", "in", "initially", "inner", "intersect",
            "into", "is", "isnull", "join", "lateral", "leading", "left", "like", "limit", "localtime",
            "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
            "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user",
            "similar", "some", "symmetric", "system_user", "table", "tablesample", "then", "to", "trailing", "true",
            "union", "unique", "user", "using", "variadic", "verbose", "when", "where", "window", "with");

    /** A string or quoted name that runs to the end of the text: SQL Server's message, pointed at its start. */
    private static void unclosed(String sql, Tok t) {
        if (t.kind() != 's' && t.kind() != 'q') {
            return;
        }
        String text = t.text(sql);
        char open = text.charAt(0);
        char close = open == '[' ? ']' : open;
        if (open == '$') {
            return;
        }
        boolean closed = false;
        for (int i = 1; i < text.length(); i++) { // as the lexer reads it: a doubled quote is text
            if (text.charAt(i) == close) {
                if (i + 1 < text.length() && text.charAt(i + 1) == close) {
                    i++;
                } else {
                    closed = true;
                }
            }
        }
        if (!closed) {
            throw new CasJobsException("Syntax error in the query: " + (open == '\''
                    ? "unclosed quotation mark after the character string (" : "unclosed quoted name (") + Where.at(sql, t.start()) + ").");
        }
    }

    private static String plainName(String name) {
        Matcher m = PLAIN_NAME.matcher(name == null ? "" : name.trim());
        if (!m.matches()) {
            throw new CasJobsException("Invalid table name '" + name
                    + "': use letters, digits and underscores, not starting with a digit.");
        }
        return m.group(1) != null ? m.group(1) : m.group(2);
    }

    // ---- statements ----------------------------------------------------------------------------

    /** A parsed statement and the tokens (indexes in the piece) that must be bracketed as names. */
    private record Parsed(Statement statement, Set<Integer> names) {}

    /**
     * Parses one statement. JSqlParser reserves words that are fine as names in SQL Server (an alias
     * {@code Tables}, a column {@code Start}, the schema in {@code Sample.PhotoObj}). So a failed
     * parse is retried: first with the words next to a dot bracketed, then, one at a time, with the
     * keyword the parser stopped at bracketed, as long as SQL Server does not reserve it. Errors are
     * reported from the first attempt, whose positions match the user's text.
     */
    private static Parsed parse(String sql, List<Tok> piece) {
        int from = piece.get(0).start();
        Set<Integer> qualified = new HashSet<>();
        for (int i = 0; i < piece.size(); i++) {
            Tok t = piece.get(i);
            if (t.kind() == 'w' && !Character.isDigit(sql.charAt(t.start())) && (dot(sql, piece, i - 1) || dot(sql, piece, i + 1))) {
                qualified.add(i);
            }
        }
        Set<Integer> names = new TreeSet<>();
        // A word right after FROM or JOIN names a table: a keyword of the parser's there (the view
        // Unknown) is bracketed from the start, since inside a subquery the parser reports its
        // error at the subquery's start, where no retry below would find the word.
        for (int i = 1; i < piece.size(); i++) {
            Tok before = piece.get(i - 1);
            if (!before.isWord(sql, "FROM") && !before.isWord(sql, "JOIN")) {
                continue;
            }
            int last = i; // the table's own name: the last part of mydb.T, Sample..T, Sample.dbo.T
            while (last + 2 < piece.size() && dot(sql, piece, last + 1)) {
                last += dot(sql, piece, last + 2) && last + 3 < piece.size() ? 3 : 2;
            }
            String schema = last > i ? key(piece.get(i).text(sql)) : "";
            boolean catalogView = schema.equals("information_schema") || schema.equals("sys"); // ours, never keywords
            if (!catalogView && isKeywordName(sql, piece.get(last)) && !(last + 1 < piece.size() && piece.get(last + 1).is(sql, "("))) {
                names.add(last);
            }
        }
        boolean withQualified = false;
        Exception first = null;
        int lastStop = -1;
        for (int attempt = 0; attempt <= MAX_NAME_RETRIES; attempt++) {
            Set<Integer> bracketed = new HashSet<>(names);
            if (withQualified) {
                bracketed.addAll(qualified);
            }
            int[] at = new int[piece.size()];
            String text = bracketed(sql, piece, bracketed, at);
            try {
                Statement st = parseText(text);
                // Such words before a dot are names for sure, and H2 may reserve them (Offset.objID).
                qualified.stream().filter(i -> !dot(sql, piece, i - 1) && isKeywordName(sql, piece.get(i)))
                        .forEach(names::add);
                return new Parsed(st, Set.copyOf(names));
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                }
                lastStop = stoppedAt(e, text, at);
                int name = keywordAsName(sql, piece, lastStop, bracketed);
                if (name >= 0) {
                    names.add(name);
                } else if (!withQualified && !qualified.isEmpty()) {
                    withQualified = true;
                } else {
                    break;
                }
            }
        }
        // Past a keyword used as a name, the error is where the parser stopped once it read that as a name.
        String why = names.isEmpty() || lastStop < 0 ? describe(first, sql, from, piece.get(piece.size() - 1))
                : lastStop == piece.size() ? endOfStatement(sql, piece.get(lastStop - 1))
                : "unexpected \"" + shorten(piece.get(lastStop).text(sql)) + "\" at " + position(sql, piece.get(lastStop).start()) + ".";
        throw new CasJobsException("Syntax error in the query: " + why, first);
    }

    private static String position(String sql, int offset) {
        return Where.position(sql, offset);
    }

    /** How many keywords a statement may use as names. */
    private static final int MAX_NAME_RETRIES = 16;

    /**
     * Keywords SQL Server reserves (its documented list): never names unless bracketed, so they are
     * never bracketed for the user. Every other word SQL Server reads as a name where a name fits.
     */
    private static final Set<String> TSQL_RESERVED = Set.of(
            "ADD", "ALL", "ALTER", "AND", "ANY", "AS", "ASC", "AUTHORIZATION", "BACKUP", "BEGIN", "BETWEEN",
            "BREAK", "BROWSE", "BULK", "BY", "CASCADE", "CASE", "CHECK", "CHECKPOINT", "CLOSE", "CLUSTERED",
            "COALESCE", "COLLATE", "COLUMN", "COMMIT", "COMPUTE", "CONSTRAINT", "CONTAINS", "CONTAINSTABLE",
            "CONTINUE", "CONVERT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
            "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATABASE", "DBCC", "DEALLOCATE", "DECLARE",
            "DEFAULT", "DELETE", "DENY", "DESC", "DISK", "DISTINCT", "DISTRIBUTED", "DOUBLE", "DROP", "DUMP",
            "ELSE", "END", "ERRLVL", "ESCAPE", "EXCEPT", "EXEC", "EXECUTE", "EXISTS", "EXIT", "EXTERNAL",
            "FETCH", "FILE", "FILLFACTOR", "FOR", "FOREIGN", "FREETEXT", "FREETEXTTABLE", "FROM", "FULL",
            "FUNCTION", "GOTO", "GRANT", "GROUP", "HAVING", "HOLDLOCK", "IDENTITY", "IDENTITY_INSERT",
            "IDENTITYCOL", "IF", "IN", "INDEX", "INNER", "INSERT", "INTERSECT", "INTO", "IS", "JOIN", "KEY",
            "KILL", "LEFT", "LIKE", "LINENO", "LOAD", "MERGE", "NATIONAL", "NOCHECK", "NONCLUSTERED", "NOT",
            "NULL", "NULLIF", "OF", "OFF", "OFFSETS", "ON", "OPEN", "OPENDATASOURCE", "OPENQUERY",
            "OPENROWSET", "OPENXML", "OPTION", "OR", "ORDER", "OUTER", "OVER", "PERCENT", "PIVOT", "PLAN",
            "PRECISION", "PRIMARY", "PRINT", "PROC", "PROCEDURE", "PUBLIC", "RAISERROR", "READ", "READTEXT",
            "RECONFIGURE", "REFERENCES", "REPLICATION", "RESTORE", "RESTRICT", "RETURN", "REVERT", "REVOKE",
            "RIGHT", "ROLLBACK", "ROWCOUNT", "ROWGUIDCOL", "RULE", "SAVE", "SCHEMA", "SECURITYAUDIT", "SELECT",
            "SEMANTICKEYPHRASETABLE", "SEMANTICSIMILARITYDETAILSTABLE", "SEMANTICSIMILARITYTABLE",
            "SESSION_USER", "SET", "SETUSER", "SHUTDOWN", "SOME", "STATISTICS", "SYSTEM_USER", "TABLE",
            "TABLESAMPLE", "TEXTSIZE", "THEN", "TO", "TOP", "TRAN", "TRANSACTION", "TRIGGER", "TRUNCATE",
            "TRY_CONVERT", "TSEQUAL", "UNION", "UNIQUE", "UNPIVOT", "UPDATE", "UPDATETEXT", "USE", "USER",
            "VALUES", "VARYING", "VIEW", "WAITFOR", "WHEN", "WHERE", "WHILE", "WITH", "WITHIN", "WRITETEXT",
            // not on the list, but statement separators and markers here
            "GO");

    /** Every word JSqlParser's grammar has a token of its own for. */
    private static final Set<String> PARSER_KEYWORDS = parserKeywords();

    private static Set<String> parserKeywords() {
        Set<String> words = new HashSet<>();
        for (String image : CCJSqlParserConstants.tokenImage) {
            if (image.length() > 2 && image.startsWith("\"") && image.endsWith("\"")
                    && image.substring(1, image.length() - 1).matches("[A-Za-z_][A-Za-z0-9_]*")) {
                words.add(image.substring(1, image.length() - 1).toUpperCase(Locale.ROOT));
            }
        }
        return Set.copyOf(words);
    }

    /**
     * The token near where the parser stopped that is a keyword of the parser used as a name: the
     * token itself, or the one after it ({@code SELECT 1 AS Tables} stops at AS, since
     * {@code SELECT 1} alone is a statement), or the one before. -1 if there is none.
     */
    private static int keywordAsName(String sql, List<Tok> piece, int stop, Set<Integer> bracketed) {
        if (stop < 0) {
            return -1;
        }
        for (int i : new int[] {stop, stop + 1, stop - 1}) {
            if (i >= 0 && i < piece.size() && !bracketed.contains(i) && isKeywordName(sql, piece.get(i))) {
                return i;
            }
        }
        return -1;
    }

    /** A word the parser reserves but SQL Server would take for a name: letters first, not reserved. */
    private static boolean isKeywordName(String sql, Tok t) {
        char c = sql.charAt(t.start());
        String word = t.text(sql).toUpperCase(Locale.ROOT);
        return t.kind() == 'w' && (Character.isLetter(c) || c == '_') && PARSER_KEYWORDS.contains(word)
                && !TSQL_RESERVED.contains(word);
    }

    /** The piece's text with the given tokens bracketed; {@code at[i]} receives where token i starts in it. */
    private static String bracketed(String sql, List<Tok> piece, Set<Integer> names, int[] at) {
        StringBuilder out = new StringBuilder();
        int copied = piece.get(0).start();
        for (int i = 0; i < piece.size(); i++) {
            Tok t = piece.get(i);
            out.append(sql, copied, t.start());
            at[i] = out.length();
            out.append(names.contains(i) ? "[" + t.text(sql) + "]" : forParser(sql, piece, i));
            copied = t.end();
        }
        return out.toString();
    }

    /**
     * A token as the parser is shown it, always of the same length, so that its positions stay the
     * user's: T-SQL it does not read but which only the rules need to understand is made plain
     * (a hex literal becomes digits, {@code @v += 1} an assignment).
     */
    private static String forParser(String sql, List<Tok> piece, int i) {
        Tok t = piece.get(i);
        String text = t.text(sql);
        if (t.kind() == 'n' && text.length() > 2 && (text.startsWith("0x") || text.startsWith("0X"))) {
            return "1" + "0".repeat(text.length() - 1);
        }
        boolean compound = t.kind() == 'c' && "+-*/%&|^".contains(text) && i > 0 && i + 1 < piece.size()
                && piece.get(i - 1).text(sql).startsWith("@") && piece.get(i + 1).is(sql, "=")
                && piece.get(i + 1).start() == t.end();
        return compound ? " " : text;
    }

    /**
     * The index of the token at which the parser gave up, the number of tokens when it was the end
     * of the statement, or -1 when it cannot be told.
     */
    private static int stoppedAt(Throwable e, String text, int[] at) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ParseException pe && pe.currentToken != null && pe.currentToken.next != null) {
                Token t = pe.currentToken.next;
                if (t.kind == 0) {
                    return at.length; // the end of the statement
                }
                if (t.beginLine < 1 || t.beginColumn < 1) {
                    return -1;
                }
                int lineStart = 0;
                for (int line = 1; line < t.beginLine && lineStart >= 0; line++) {
                    int nl = text.indexOf('\n', lineStart);
                    lineStart = nl < 0 ? -1 : nl + 1;
                }
                if (lineStart < 0) {
                    return -1;
                }
                int offset = lineStart + t.beginColumn - 1;
                for (int i = 0; i < at.length; i++) {
                    if (at[i] == offset && text.regionMatches(true, offset, t.image, 0, t.image.length())) {
                        return i;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    /**
     * Exactly one statement: the database runs every statement in the text it is given, so a
     * piece in which the parser finds more than one (our split missed a separator) is refused.
     */
    private static Statement parseText(String text) throws Exception {
        Statements all = CCJSqlParserUtil.parseStatements(text, PARSER, p -> p.withSquareBracketQuotation(true));
        if (all == null || all.size() != 1 || all.get(0) == null) {
            throw new ParseException(all != null && all.size() > 1
                    ? "statements must be separated by ';' or GO outside of any string" : "unrecognized statement");
        }
        return all.get(0);
    }

    /** The SELECT that carries an INTO: SQL Server puts it in the first SELECT of a UNION. */
    private static PlainSelect findInto(Select s) {
        if (s instanceof PlainSelect ps) {
            return ps.getIntoTables() != null || ps.getIntoTempTable() != null ? ps : null;
        }
        if (s instanceof SetOperationList list) {
            for (Select part : list.getSelects()) {
                PlainSelect ps = findInto(part);
                if (ps != null) {
                    return ps;
                }
            }
        }
        return s instanceof ParenthesedSelect p ? findInto(p.getSelect()) : null;
    }

    /** INTO t, mydb.t, mydb.dbo.t and mydb..t all mean MyDB.t, as in CasJobs. */
    private static Table intoTarget(PlainSelect ps, String sql, List<Tok> piece) {
        int intoAt = piece.get(0).start();
        for (Tok t : piece) {
            if (t.isWord(sql, "INTO")) {
                intoAt = t.start();
                break;
            }
        }
        String where = " (" + Where.at(sql, intoAt) + ")";
        List<Table> into = ps.getIntoTables();
        Table t = into == null ? ps.getIntoTempTable() : into.get(0);
        if (into == null) { // INTO TEMP t, INTO UNLOGGED t: not T-SQL
            throw new CasJobsException("SELECT … INTO TEMP is not SQL Server syntax" + where
                    + ": write SELECT … INTO #name for a table that lives for the job.");
        }
        if (t.getUnquotedName().startsWith("#")) {
            String db = t.getUnquotedDatabaseName();
            String schema = t.getUnquotedSchemaName();
            boolean plain = db == null ? schema == null
                    : db.equalsIgnoreCase("tempdb") && (schema == null || schema.equalsIgnoreCase("dbo"));
            if (!plain) {
                throw new CasJobsException("A temporary table (" + t.getUnquotedName() + ") has no schema" + where
                        + ": write INTO " + t.getUnquotedName() + ".");
            }
            return t;
        }
        if (into.size() > 1) {
            throw new CasJobsException("SELECT … INTO can create only one table" + where + ".");
        }
        String db = t.getUnquotedDatabaseName();
        String schema = t.getUnquotedSchemaName();
        boolean myDb = t.getNameParts().size() <= 3
                && (db == null ? schema == null || isMyDb(schema) : isMyDb(db) && (schema == null || schema.equalsIgnoreCase("dbo")));
        if (!myDb) {
            throw new CasJobsException("SELECT … INTO can only create tables in MyDB" + where + ".");
        }
        return t;
    }

    private static boolean isMyDb(String name) {
        return MyDb.is(name);
    }

    /**
     * The statement's own text (without surrounding comments) with the schema qualifiers made
     * canonical and, if asked, the top-level {@code INTO name} removed.
     */
    private static String rewrite(String sql, List<Tok> piece, Set<Integer> names, boolean dropInto,
                                  Map<String, String> schemas, boolean pg) {
        StringBuilder out = new StringBuilder();
        int copied = piece.get(0).start();
        int depth = 0;
        boolean dropped = false;
        for (int i = 0; i < piece.size(); i++) {
            Tok t = piece.get(i);
            String text = t.text(sql);
            depth += text.equals("(") ? 1 : text.equals(")") ? -1 : 0;
            int skipTo = -1;
            int editStart = t.start();
            String replacement = null;
            if (dropInto && !dropped && depth == 0 && t.kind() == 'w' && text.equalsIgnoreCase("INTO")) {
                skipTo = i + 1 < piece.size() && piece.get(i + 1).isName() ? i + 1 : i;
                while (skipTo + 1 < piece.size() && piece.get(skipTo + 1).is(sql, ".")) {
                    skipTo += skipTo + 2 < piece.size() && piece.get(skipTo + 2).isName() ? 2 : 1;
                }
                editStart = i > 0 ? piece.get(i - 1).end() : t.start(); // the blanks before INTO go too
                int after = piece.get(skipTo).end();
                replacement = after < sql.length() && Character.isWhitespace(sql.charAt(after)) ? "" : " ";
                dropped = true;
            } else if (t.isName() && dot(sql, piece, i + 1) && !dot(sql, piece, i - 1) && schemas.containsKey(key(text))) {
                String schema = schemas.get(key(text));
                // MyDB and the catalogs are SQL Server databases to CasJobs users, schemas here
                boolean database = !schema.equals("INFORMATION_SCHEMA");
                if (pg && !database) {
                    // SQL Server's TABLES and COLUMNS are the catalog's browsing views there; the others PostgreSQL's own
                    schema = i + 2 < piece.size() && MYDB_INFO_VIEWS.contains(key(piece.get(i + 2).text(sql)))
                            ? Target.POSTGRESQL_INFORMATION_SCHEMA : "information_schema";
                }
                skipTo = i + 1;
                if (database && dot(sql, piece, i + 2)) { // mydb..T, Stripe82..T
                    skipTo = i + 2;
                } else if (database && i + 2 < piece.size() && key(piece.get(i + 2).text(sql)).equals("dbo")
                        && dot(sql, piece, i + 3)) { // mydb.dbo.T, Stripe82.dbo.T
                    skipTo = i + 3;
                } else if (!pg && schema.equals("INFORMATION_SCHEMA") && i + 2 < piece.size()
                        && MYDB_INFO_VIEWS.contains(key(piece.get(i + 2).text(sql)))) {
                    schema = MyDb.INFO_SCHEMA; // as in SQL Server, a database's TABLES lists its own tables only
                }
                replacement = schema + ".";
            } else if (names.contains(i)) { // a keyword of the parser's used as a name: H2 may reserve it too
                replacement = "[" + text + "]";
                skipTo = i;
            }
            if (replacement != null) {
                out.append(sql, copied, editStart).append(replacement);
                copied = piece.get(skipTo).end();
                i = skipTo;
            }
        }
        if (dropInto && !dropped) {
            throw new CasJobsException("SELECT … INTO is only allowed in the outermost SELECT.");
        }
        return out.append(sql, copied, piece.get(piece.size() - 1).end()).toString();
    }

    private static boolean dot(String sql, List<Tok> piece, int i) {
        return i >= 0 && i < piece.size() && piece.get(i).is(sql, ".");
    }

    /** A name as a lookup key: brackets or quotes removed, lower case. */
    private static String key(String name) {
        boolean quoted = name.length() >= 2 && (name.charAt(0) == '[' || name.charAt(0) == '"');
        return (quoted ? name.substring(1, name.length() - 1) : name).toLowerCase(Locale.ROOT);
    }

    // ---- error messages ------------------------------------------------------------------------

    /** The statement stops where more was needed: pointed at its last token, which the user can find. */
    private static String endOfStatement(String sql, Tok last) {
        return "the statement ends too early, after \"" + shorten(last.text(sql)) + "\" at "
                + position(sql, last.start()) + ": something is missing there.";
    }

    /** The parser's complaint in one line, positioned in the whole script, without Java names. */
    private static String describe(Throwable e, String sql, int from, Tok last) {
        Throwable deepest = e;
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof ParseException pe && pe.currentToken != null && pe.currentToken.next != null) {
                Token t = pe.currentToken.next;
                if (t.kind == 0) {
                    return endOfStatement(sql, last);
                }
                return "unexpected \"" + shorten(t.image) + "\" at " + position(sql, from, t.beginLine, t.beginColumn) + ".";
            }
            if (c instanceof TimeoutException) {
                return "the statement is too complex to check.";
            }
            deepest = c;
        }
        String msg = String.valueOf(deepest.getMessage()).strip().split("\\R", 2)[0]
                .replaceAll("(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*:\\s*", "");
        Matcher m = LINE_COLUMN.matcher(msg);
        if (m.find()) {
            msg = msg.substring(0, m.start())
                    + position(sql, from, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)))
                    + msg.substring(m.end());
        }
        return shorten(msg.replace("Exception", "error"));
    }

    /** Line and column in the whole script of a position the parser gave relative to one statement. */
    private static String position(String sql, int from, int line, int column) {
        int lineStart = sql.lastIndexOf('\n', from - 1) + 1;
        int baseLine = (int) sql.substring(0, from).chars().filter(ch -> ch == '\n').count() + 1;
        int col = line == 1 ? from - lineStart + column : column;
        return "line " + (baseLine + line - 1) + ", column " + col;
    }

    private static String shorten(String s) {
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
