-- SQL Server built-ins and operators PostgreSQL lacks, in schema tsql, for T-SQL the dialect
-- (org.opencasjobs.dialect) renders for PostgreSQL. Where a rewrite of the user's text would need
-- types the text does not show (+ on strings, % on floats, ROUND of a float) the dialect leaves the
-- call as written and one of these answers it, found through the job's search path
-- (<context>, dbo, tsql, public). Functions of other argument types than pg_catalog's are considered
-- beside them on equal footing, so these only add signatures and never shadow a built-in.
--
-- Idempotent (CREATE OR REPLACE, IF NOT EXISTS, operators created when missing) and runnable by
-- the database's owner without superuser: the catalog runs it at every start-up as one script, then
-- grants USAGE on the schema and EXECUTE on its functions to the account roles. No function here
-- reads a table or a file; all are SECURITY INVOKER.

CREATE SCHEMA IF NOT EXISTS tsql;

-- 'a' + 'b': SQL Server's + concatenates strings (NULL if either is NULL, hence STRICT).
-- PostgreSQL picks this operator for two unknown literals too: at an unknown argument it prefers
-- the string category. Numbers keep pg_catalog's + (1 + '2' is 3, as in SQL Server).
CREATE OR REPLACE FUNCTION tsql.concat_plus(a text, b text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT a || b';

-- f % 2 on a float: SQL Server keeps the fraction with the dividend's sign (-4.5 % 2 is -0.5);
-- PostgreSQL has % only for integers and numeric.
CREATE OR REPLACE FUNCTION tsql.float_mod(a double precision, b double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT a - trunc(a / b) * b';

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
                   WHERE n.nspname = 'tsql' AND o.oprname = '+'
                     AND o.oprleft = 'text'::regtype AND o.oprright = 'text'::regtype) THEN
        CREATE OPERATOR tsql.+ (LEFTARG = text, RIGHTARG = text, FUNCTION = tsql.concat_plus);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace
                   WHERE n.nspname = 'tsql' AND o.oprname = '%'
                     AND o.oprleft = 'double precision'::regtype AND o.oprright = 'double precision'::regtype) THEN
        CREATE OPERATOR tsql.% (LEFTARG = double precision, RIGHTARG = double precision, FUNCTION = tsql.float_mod);
    END IF;
END
$$;

-- ROUND(f, 2) and ROUND(f, 2, 1) (rendered TRUNC) of a float: PostgreSQL rounds only numeric to a
-- number of decimals. The result stays a float, as in SQL Server.
CREATE OR REPLACE FUNCTION tsql.round(x double precision, n integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT round(x::numeric, n)::double precision';
CREATE OR REPLACE FUNCTION tsql.trunc(x double precision, n integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT trunc(x::numeric, n)::double precision';
-- ROUND of an integer stays an integer (without these PostgreSQL would prefer the float above)
CREATE OR REPLACE FUNCTION tsql.round(x integer, n integer) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT round(x::numeric, n)::integer';
CREATE OR REPLACE FUNCTION tsql.round(x bigint, n integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT round(x::numeric, n)::bigint';

-- CHARINDEX(find, text [, start]): 1-based position, 0 when absent; NULL in, NULL out.
CREATE OR REPLACE FUNCTION tsql.charindex(find text, s text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT strpos(s, find)';
CREATE OR REPLACE FUNCTION tsql.charindex(find text, s text, start integer) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
        SELECT CASE WHEN strpos(substr(s, greatest(start, 1)), find) = 0 THEN 0
                    ELSE strpos(substr(s, greatest(start, 1)), find) + greatest(start, 1) - 1 END
    $f$;

-- PATINDEX('%pattern%', text): where a LIKE pattern first matches, 0 if nowhere. A pattern not
-- starting with % matches at 1 or not at all, as in SQL Server.
CREATE OR REPLACE FUNCTION tsql.patindex(pattern text, s text) RETURNS integer
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
        SELECT CASE WHEN left(pattern, 1) <> '%' THEN CASE WHEN s LIKE pattern THEN 1 ELSE 0 END
                    ELSE coalesce((SELECT min(i) FROM generate_series(1, length(s)) i
                                   WHERE substr(s, i) LIKE substr(pattern, 2)), 0) END
    $f$;

-- ISNUMERIC(x): 1 when the text reads as a number (sign, digits, decimal point, exponent), else 0.
CREATE OR REPLACE FUNCTION tsql.isnumeric(s text) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
        SELECT CASE WHEN s ~ '^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$' THEN 1 ELSE 0 END
    $f$;
CREATE OR REPLACE FUNCTION tsql.isnumeric(x numeric) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT CASE WHEN x IS NULL THEN 0 ELSE 1 END';

-- TRY_CAST / TRY_CONVERT to a number or a date: NULL where the text is not one (the dialect casts
-- the result to the asked type). A number passed in is itself.
CREATE OR REPLACE FUNCTION tsql.try_number(s text) RETURNS numeric
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $f$
BEGIN
    RETURN s::numeric;
EXCEPTION WHEN invalid_text_representation OR numeric_value_out_of_range THEN
    RETURN NULL;
END
$f$;
CREATE OR REPLACE FUNCTION tsql.try_number(x numeric) RETURNS numeric
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x';
CREATE OR REPLACE FUNCTION tsql.try_number(x double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x';
CREATE OR REPLACE FUNCTION tsql.try_number(x real) RETURNS real
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x';
CREATE OR REPLACE FUNCTION tsql.try_number(x bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x';
CREATE OR REPLACE FUNCTION tsql.try_number(x integer) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x';
CREATE OR REPLACE FUNCTION tsql.try_number(x smallint) RETURNS smallint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x';

CREATE OR REPLACE FUNCTION tsql.try_timestamp(s text) RETURNS timestamp
    LANGUAGE plpgsql STABLE PARALLEL SAFE AS $f$
BEGIN
    RETURN s::timestamp;
EXCEPTION WHEN invalid_datetime_format OR datetime_field_overflow OR invalid_text_representation THEN
    RETURN NULL;
END
$f$;
CREATE OR REPLACE FUNCTION tsql.try_timestamp(x timestamp) RETURNS timestamp
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS 'SELECT x';

-- DATEDIFF(unit, a, b): the number of unit boundaries crossed from a to b, as SQL Server counts
-- (DATEDIFF(year, '2020-12-31', '2021-01-01') is 1). Weeks begin on Sunday. The dialect writes the
-- unit as text.
CREATE OR REPLACE FUNCTION tsql.datediff(unit text, a timestamp, b timestamp) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $f$
        SELECT CASE lower(unit)
            WHEN 'year' THEN extract(year FROM b) - extract(year FROM a)
            WHEN 'quarter' THEN (extract(year FROM b) * 4 + extract(quarter FROM b))
                              - (extract(year FROM a) * 4 + extract(quarter FROM a))
            WHEN 'month' THEN (extract(year FROM b) * 12 + extract(month FROM b))
                            - (extract(year FROM a) * 12 + extract(month FROM a))
            WHEN 'day' THEN b::date - a::date
            WHEN 'week' THEN ((b::date - extract(dow FROM b)::integer) - (a::date - extract(dow FROM a)::integer)) / 7
            WHEN 'hour' THEN (extract(epoch FROM date_trunc('hour', b)) - extract(epoch FROM date_trunc('hour', a))) / 3600
            WHEN 'minute' THEN (extract(epoch FROM date_trunc('minute', b)) - extract(epoch FROM date_trunc('minute', a))) / 60
            WHEN 'second' THEN extract(epoch FROM date_trunc('second', b)) - extract(epoch FROM date_trunc('second', a))
            WHEN 'millisecond' THEN floor(extract(epoch FROM b) * 1000) - floor(extract(epoch FROM a) * 1000)
        END::bigint
    $f$;

-- T-SQL variables live in the job's session as custom settings casjobs.v_<name>, written by
-- set_config: '' for NULL, else 'v' and the value as text (so that '' stays a value). This reads
-- one back as text; the dialect casts it to the declared type.
-- CALL tsql.discard(set_config(…)): a variable's assignment as a statement that, like SQL Server's
-- SET @v = …, returns no rows (a procedure's argument is evaluated, the procedure does nothing).
CREATE OR REPLACE PROCEDURE tsql.discard(value text)
    LANGUAGE plpgsql AS $f$
BEGIN
END
$f$;
CREATE OR REPLACE FUNCTION tsql.var(name text) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $f$
        SELECT substr(nullif(current_setting('casjobs.v_' || name, true), ''), 2)
    $f$;

-- BITAND, BITOR, BITXOR, BITNOT: not SQL Server's (whose & | ^ ~ the dialect renders as
-- PostgreSQL's operators), but H2's, which the embedded engine accepts in user SQL and the SDSS
-- corpus's plain reference queries use; the same names here keep such SQL running on both.
CREATE OR REPLACE FUNCTION tsql.bitand(a bigint, b bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT a & b';
CREATE OR REPLACE FUNCTION tsql.bitor(a bigint, b bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT a | b';
CREATE OR REPLACE FUNCTION tsql.bitxor(a bigint, b bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT a # b';
CREATE OR REPLACE FUNCTION tsql.bitnot(a bigint) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT ~a';

-- SYSTEM_RANGE(a, b): H2's table of the integers a..b (one column, X), which user SQL written
-- for the embedded engine (and its tests' long-running queries) uses; here over generate_series.
CREATE OR REPLACE FUNCTION tsql.system_range(a bigint, b bigint) RETURNS TABLE (x bigint)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS 'SELECT generate_series(a, b)';
