package org.opencasjobs.dialect;

import java.util.List;

/**
 * T-SQL as CasJobs users write it, each query with the answer SQL Server gives (from its
 * documentation), engine-neutral: the same table runs on H2 now and on PostgreSQL later.
 * An answer is the rows of the last statement, rows joined by ';', columns by ','; numbers in plain
 * form without trailing zeros, NULL as "NULL". Queries read {@code mydb.nums} ({@link #SETUP}).
 */
final class DialectCorpus {
    private DialectCorpus() {
    }

    record Case(String construct, String tsql, String expected) {
        @Override
        public String toString() {
            return construct + ": " + tsql.replace('\n', ' ');
        }
    }

    /** Standard SQL that creates the corpus's table in the schema MyDB. */
    static final List<String> SETUP = List.of(
            "CREATE TABLE MyDB.nums(i INT, b BIGINT, f FLOAT, s VARCHAR(20))",
            "INSERT INTO MyDB.nums VALUES (1, 268435457, 1.5, 'a'), (2, 2, 2.5, 'b'), (3, 268435456, 3.5, NULL),"
                    + " (4, 4, -4.5, 'd')");

    static final List<Case> CASES = List.of(
            // bitwise operators on every integer width, hex literals as integers
            new Case("bitwise and", "SELECT 12 & 10", "8"),
            new Case("bitwise or", "SELECT 12 | 10", "14"),
            new Case("bitwise xor", "SELECT 12 ^ 10", "6"),
            new Case("bitwise not", "SELECT ~12", "-13"),
            new Case("bitwise not smallint", "SELECT ~CAST(0 AS smallint)", "-1"),
            new Case("bitwise and bigint hex", "SELECT b & 0x10000000 FROM mydb.nums WHERE i = 1", "268435456"),
            new Case("bitwise flag test", "SELECT i FROM mydb.nums WHERE (b & 0x10000000) != 0 ORDER BY i", "1;3"),
            new Case("bitwise flag test without parentheses", "SELECT i FROM mydb.nums WHERE b & 268435456 = 0 ORDER BY i", "2;4"),
            new Case("bitwise same level as +", "SELECT 1 + 2 & 3", "3"),
            new Case("bitwise left to right", "SELECT 2 & 3 + 4", "6"),
            new Case("bitwise below *", "SELECT 5 & 3 * 2", "4"),
            new Case("bitwise or then and", "SELECT 5 | 2 & 4", "4"),
            new Case("bitwise on negative", "SELECT -1 & 255", "255"),
            new Case("bitwise in select list with alias", "SELECT TOP 1 flags & 268435456 AS x FROM (SELECT b AS flags FROM mydb.nums WHERE i = 1) p", "268435456"),
            new Case("hex literal arithmetic", "SELECT 0x10 + 1", "17"),
            new Case("hex literal comparison", "SELECT COUNT(*) FROM mydb.nums WHERE i > 0x2", "2"),
            // variables and batches
            new Case("declare with value", "DECLARE @n int = 5 SELECT @n + 1", "6"),
            new Case("declare then set, int truncates", "DECLARE @n int; SET @n = 2.7; SELECT @n", "2"),
            new Case("declare two", "DECLARE @a int, @b float = 2.5\nSET @a = 3\nSELECT @a * @b", "7.5"),
            new Case("select assigns", "DECLARE @m float\nSELECT @m = MAX(f) FROM mydb.nums\nSELECT @m", "3.5"),
            new Case("select assigns two", "DECLARE @lo int, @hi int\nSELECT @lo = MIN(i), @hi = MAX(i) FROM mydb.nums\nSELECT @hi - @lo", "3"),
            new Case("string variable", "DECLARE @s varchar(10) = 'ab'\nSET @s = @s + 'c'\nSELECT @s", "abc"),
            new Case("compound assignment", "DECLARE @n int = 1 SET @n += 2 SELECT @n", "3"),
            new Case("select assigns from the first row in order", "DECLARE @f float\nSELECT TOP 1 @f = f FROM mydb.nums ORDER BY i DESC\nSELECT @f",
                    "-4.5"),
            new Case("select assigns the last row's values", "DECLARE @i int\nSELECT @i = i FROM mydb.nums ORDER BY f\nSELECT @i", "3"),
            new Case("stdev", "SELECT ROUND(STDEV(i), 6) FROM mydb.nums", "1.290994"),
            new Case("varp", "SELECT VARP(i) FROM mydb.nums", "1.25"),
            new Case("variable in where", "DECLARE @bad bigint\nSET @bad = 0x10000000\nSELECT COUNT(*) FROM mydb.nums WHERE (b & @bad) = 0", "2"),
            new Case("go separates", "SELECT 1\nGO\nSELECT 2", "2"),
            new Case("set nocount accepted", "SET NOCOUNT ON\nSELECT 1", "1"),
            // numbers
            new Case("integer division", "SELECT 7 / 2", "3"),
            new Case("integer division negative", "SELECT -7 / 2", "-3"),
            new Case("integer modulo", "SELECT 7 % 3", "1"),
            new Case("integer modulo negative", "SELECT -7 % 3", "-1"),
            new Case("modulo of a decimal keeps the fraction", "SELECT 2.7 % 1", "0.7"),
            new Case("modulo of a decimal", "SELECT 10.5 % 3", "1.5"),
            new Case("modulo of a negative decimal", "SELECT -7.5 % 2", "-1.5"),
            new Case("modulo of a float column", "SELECT f % 2 FROM mydb.nums WHERE i = 4", "-0.5"),
            new Case("modulo after *", "SELECT 3 * 5 % 4", "3"),
            new Case("modulo in a sample filter", "SELECT COUNT(*) FROM mydb.nums WHERE b % 2 = 0", "3"),
            new Case("power in the argument's type bins", "SELECT 100 / POWER(2, 3)", "12"),
            new Case("power int", "SELECT POWER(2, 24)", "16777216"),
            new Case("power int negative exponent", "SELECT POWER(2, -1)", "0"),
            new Case("power decimal", "SELECT POWER(2.0, 3)", "8"),
            new Case("cast to bigint truncates", "SELECT CAST(2.7 AS bigint)", "2"),
            new Case("cast to int truncates toward zero", "SELECT CAST(-2.7 AS int)", "-2"),
            new Case("cast float column to int", "SELECT CAST(f AS int) FROM mydb.nums WHERE i = 4", "-4"),
            new Case("convert to int truncates", "SELECT CONVERT(int, 2.7)", "2"),
            new Case("cast numeric string", "SELECT CAST('12' AS int)", "12"),
            new Case("square", "SELECT SQUARE(3)", "9"),
            new Case("sqrt", "SELECT SQRT(16)", "4"),
            new Case("log natural", "SELECT ROUND(LOG(EXP(2)), 10)", "2"),
            new Case("log with base", "SELECT ROUND(LOG(8, 2), 10)", "3"),
            new Case("log10", "SELECT LOG10(1000)", "3"),
            new Case("atn2", "SELECT ROUND(ATN2(1, 1) * 4, 6)", "3.141593"),
            new Case("pi", "SELECT ROUND(PI(), 6)", "3.141593"),
            new Case("radians of an int is an int", "SELECT RADIANS(180)", "3"),
            new Case("degrees", "SELECT ROUND(DEGREES(PI()), 6)", "180"),
            new Case("sign", "SELECT SIGN(-3)", "-1"),
            new Case("round", "SELECT ROUND(2.567, 2)", "2.57"),
            new Case("round truncating", "SELECT ROUND(2.567, 2, 1)", "2.56"),
            new Case("round truncating negative", "SELECT ROUND(-2.567, 2, 1)", "-2.56"),
            new Case("floor", "SELECT FLOOR(-2.5)", "-3"),
            new Case("ceiling", "SELECT CEILING(2.1)", "3"),
            new Case("rand", "SELECT CASE WHEN RAND() >= 0 AND RAND() < 1 THEN 1 ELSE 0 END", "1"),
            new Case("newid", "SELECT LEN(CAST(NEWID() AS varchar(36)))", "36"),
            new Case("float literal", "SELECT 2.5e0 * 2", "5"),
            // strings and logic
            new Case("iif", "SELECT IIF(1 > 0, 'yes', 'no')", "yes"),
            new Case("choose", "SELECT CHOOSE(2, 'a', 'b', 'c')", "b"),
            new Case("case", "SELECT CASE WHEN 1 = 2 THEN 'x' ELSE 'y' END", "y"),
            new Case("isnull", "SELECT ISNULL(s, 'none') FROM mydb.nums WHERE i = 3", "none"),
            new Case("nullif", "SELECT NULLIF(1, 1)", "NULL"),
            new Case("coalesce", "SELECT COALESCE(NULL, 2)", "2"),
            new Case("str default", "SELECT STR(2.5)", "         3"),
            new Case("str with decimals", "SELECT STR(123.456, 8, 2)", "  123.46"),
            new Case("str too long", "SELECT STR(123456, 3)", "***"),
            new Case("space", "SELECT SPACE(3) + 'x'", "   x"),
            new Case("ltrim", "SELECT LTRIM('  a')", "a"),
            new Case("rtrim", "SELECT RTRIM('a  ') + 'b'", "ab"),
            new Case("trim", "SELECT TRIM('  a  ') + 'b'", "ab"),
            new Case("charindex", "SELECT CHARINDEX('b', 'abc')", "2"),
            new Case("patindex", "SELECT PATINDEX('%ter%', 'interesting')", "3"),
            new Case("len leaves trailing blanks out", "SELECT LEN('abc  ')", "3"),
            new Case("datalength", "SELECT DATALENGTH('abc')", "3"),
            new Case("left", "SELECT LEFT('abcdef', 2)", "ab"),
            new Case("right", "SELECT RIGHT('abcdef', 2)", "ef"),
            new Case("replicate", "SELECT REPLICATE('ab', 3)", "ababab"),
            new Case("reverse", "SELECT REVERSE('abc')", "cba"),
            new Case("stuff", "SELECT STUFF('abcdef', 2, 3, 'ijklmn')", "aijklmnef"),
            new Case("+ on strings", "SELECT 'a' + 'b'", "ab"),
            new Case("+ on strings propagates NULL", "SELECT 'a' + s FROM mydb.nums WHERE i = 3", "NULL"),
            new Case("try_cast fails to NULL", "SELECT TRY_CAST('x' AS int)", "NULL"),
            new Case("try_cast of a number truncates", "SELECT TRY_CAST(2.7 AS int)", "2"),
            new Case("try_convert", "SELECT TRY_CONVERT(float, '2.5')", "2.5"),
            new Case("try_convert date", "SELECT CONVERT(varchar(10), TRY_CONVERT(date, '2020-03-04'), 120)", "2020-03-04"),
            new Case("try_convert bad date", "SELECT TRY_CONVERT(date, 'soon')", "NULL"),
            new Case("isnumeric yes", "SELECT ISNUMERIC('12.5')", "1"),
            new Case("isnumeric no", "SELECT ISNUMERIC('abc')", "0"),
            // dates
            new Case("convert style 101", "SELECT CONVERT(varchar(10), CAST('2020-03-04' AS date), 101)", "03/04/2020"),
            new Case("convert style 103", "SELECT CONVERT(varchar(10), CAST('2020-03-04' AS date), 103)", "04/03/2020"),
            new Case("convert style 112", "SELECT CONVERT(varchar(8), CAST('2020-03-04' AS date), 112)", "20200304"),
            new Case("convert style 120", "SELECT CONVERT(varchar(19), CAST('2020-03-04 05:06:07' AS datetime), 120)", "2020-03-04 05:06:07"),
            new Case("dateadd", "SELECT CONVERT(varchar(10), DATEADD(day, 1, CAST('2020-02-28' AS date)), 120)", "2020-02-29"),
            new Case("datediff", "SELECT DATEDIFF(day, '2020-01-01', '2020-03-01')", "60"),
            new Case("datepart year", "SELECT DATEPART(year, '2020-03-04')", "2020"),
            new Case("datepart weekday from Sunday", "SELECT DATEPART(dw, '2020-03-04')", "4"),
            new Case("datepart day of year", "SELECT DATEPART(dy, '2020-03-04')", "64"),
            new Case("datename month", "SELECT DATENAME(month, '2020-03-04')", "March"),
            new Case("datename weekday", "SELECT DATENAME(weekday, '2020-03-04')", "Wednesday"),
            new Case("year month day", "SELECT YEAR('2020-03-04'), MONTH('2020-03-04'), DAY('2020-03-04')", "2020,3,4"),
            new Case("eomonth", "SELECT CONVERT(varchar(10), EOMONTH('2020-02-03'), 120)", "2020-02-29"),
            new Case("getdate", "SELECT CASE WHEN GETDATE() IS NOT NULL THEN 1 END", "1"),
            new Case("getutcdate", "SELECT CASE WHEN GETUTCDATE() IS NOT NULL THEN 1 END", "1"),
            new Case("sysdatetime", "SELECT CASE WHEN SYSDATETIME() IS NOT NULL THEN 1 END", "1"),
            // rows and names
            new Case("top", "SELECT TOP 2 i FROM mydb.nums ORDER BY i", "1;2"),
            new Case("top parenthesised", "SELECT TOP (2) i FROM mydb.nums ORDER BY i", "1;2"),
            new Case("top percent", "SELECT TOP 50 PERCENT i FROM mydb.nums ORDER BY i", "1;2"),
            new Case("top with ties", "SELECT TOP 1 WITH TIES i % 2 AS odd FROM mydb.nums ORDER BY i % 2", "0;0"),
            new Case("offset fetch", "SELECT i FROM mydb.nums ORDER BY i OFFSET 1 ROWS FETCH NEXT 2 ROWS ONLY", "2;3"),
            new Case("alias as string", "SELECT i AS 'my col' FROM mydb.nums WHERE i = 1", "1"),
            new Case("alias = expression", "SELECT total = i + 1 FROM mydb.nums WHERE i = 1", "2"),
            new Case("alias = expression, several", "SELECT a = i, b = i * 2 FROM mydb.nums WHERE i = 2", "2,4"),
            new Case("bracketed names", "SELECT [i] FROM [mydb].[nums] WHERE [i] = 1", "1"),
            new Case("temporary table by SELECT INTO", "SELECT i INTO #t FROM mydb.nums WHERE i < 3\nSELECT COUNT(*) FROM #t", "2"),
            new Case("temporary table created, filled, read", "CREATE TABLE #x (a int)\nINSERT INTO #x VALUES (1), (2)\n"
                    + "SELECT SUM(a) FROM #X", "3"),
            new Case("table hint ignored", "SELECT i FROM mydb.nums WITH (NOLOCK) WHERE i = 1", "1"));
}
