-- SQL Server's browsing views on the PostgreSQL catalog (PostgresBrowsingViews runs this as the
-- database's owner at every start; every statement is idempotent). information_schema.tables and
-- .columns (the dialect renders them as sys_information_schema.tables and .columns), sys.tables,
-- sys.views, sys.objects, sys.columns, sys.types and OBJECT_ID list the schema first on the
-- caller's search_path (the job's context, or the account's MyDB) and only what the caller may
-- read there: another account's MyDB is never the current schema of anyone but its owner, and
-- the privilege checks below are the caller's (a view keeps current_user). Names are shown as
-- the catalog's spellings table has them (PhotoObjAll, objID), else as PostgreSQL folded them.

CREATE SCHEMA IF NOT EXISTS sys;
CREATE SCHEMA IF NOT EXISTS sys_information_schema;
CREATE SCHEMA IF NOT EXISTS dbo; -- OBJECT_ID's (the catalog makes it before; a test database may not have it)

-- sys_information_schema.spellings (Spellings.create, run before this script): how SQL Server and SDSS
-- spell the names PostgreSQL folded to lower case, read here with the owner's rights.

-- PostgreSQL's types as SQL Server names them, with sys.types' numbers (SDSS's TINYINT is smallint here)
CREATE OR REPLACE VIEW sys_information_schema.type_map AS
SELECT * FROM (VALUES
    ('int8', 'bigint', 127, 8, 19, 10),
    ('int4', 'int', 56, 4, 10, 10),
    ('int2', 'smallint', 52, 2, 5, 10),
    ('bool', 'bit', 104, 1, 1, NULL),
    ('float4', 'real', 59, 4, 24, 2),
    ('float8', 'float', 62, 8, 53, 2),
    ('numeric', 'decimal', 106, 17, 38, 10),
    ('varchar', 'varchar', 167, 8000, 0, NULL),
    ('citext', 'varchar', 167, 8000, 0, NULL),
    ('text', 'varchar', 167, -1, 0, NULL),
    ('bpchar', 'char', 175, 8000, 0, NULL),
    ('bytea', 'varbinary', 165, -1, 0, NULL),
    ('date', 'date', 40, 3, 10, NULL),
    ('time', 'time', 41, 5, 16, NULL),
    ('timestamp', 'datetime2', 42, 8, 27, NULL),
    ('timestamptz', 'datetimeoffset', 43, 10, 34, NULL),
    ('uuid', 'uniqueidentifier', 36, 16, 0, NULL))
    AS m(engine_type, name, type_id, max_length, type_precision, radix);

-- Every table and view of the current schema the caller may read (never a staging table "~…")
CREATE OR REPLACE VIEW sys_information_schema.objects AS
SELECT CAST(c.oid AS int4) AS object_id, c.oid AS relid, n.nspname AS schema_name, c.relname,
       CAST(COALESCE(ts.spelling, c.relname) AS varchar(128)) AS name,
       CAST(COALESCE(cs.spelling, CASE WHEN n.nspname LIKE 'mydb\_%' THEN 'MyDB' ELSE n.nspname END)
           AS varchar(128)) AS catalog_name,
       c.relkind IN ('v', 'm') AS is_view,
       obj_description(c.oid, 'pg_class') AS description
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN sys_information_schema.spellings ts
    ON ts.schema_name = n.nspname AND ts.table_name = c.relname AND ts.column_name = ''
LEFT JOIN sys_information_schema.spellings cs
    ON cs.schema_name = n.nspname AND cs.table_name = '' AND cs.column_name = ''
WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname NOT LIKE '~%'
  AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT');

-- Their columns: the table's own spelling of a column first, else the schema's most used one
CREATE OR REPLACE VIEW sys_information_schema.object_columns AS
SELECT o.object_id, o.relid, o.catalog_name, o.name AS table_name,
       CAST(COALESCE((SELECT s.spelling FROM sys_information_schema.spellings s
                      WHERE s.schema_name = o.schema_name AND s.column_name = a.attname
                      GROUP BY s.spelling
                      ORDER BY bool_or(s.table_name = o.relname) DESC, count(*) DESC, s.spelling COLLATE "C"
                      LIMIT 1), a.attname) AS varchar(128)) AS column_name,
       CAST(a.attnum AS int) AS ordinal_position,
       pg_get_expr(d.adbin, d.adrelid) AS column_default,
       NOT a.attnotnull AS is_nullable,
       t.typname AS engine_type,
       m.name AS type_name, m.type_id, m.max_length AS type_max_length, m.type_precision, m.radix,
       CASE WHEN t.typname IN ('varchar', 'bpchar') AND a.atttypmod > 4 THEN a.atttypmod - 4
            WHEN t.typname IN ('text', 'bytea') THEN -1 END AS character_maximum_length,
       CASE WHEN t.typname = 'numeric' AND a.atttypmod > 4 THEN ((a.atttypmod - 4) >> 16) & 65535
            WHEN t.typname = 'numeric' THEN 38 ELSE m.type_precision END AS numeric_precision,
       CASE WHEN t.typname = 'numeric' AND a.atttypmod > 4 THEN (a.atttypmod - 4) & 65535
            WHEN t.typname IN ('int8', 'int4', 'int2', 'numeric') THEN 0 END AS numeric_scale,
       col_description(o.relid, a.attnum) AS description
FROM sys_information_schema.objects o
JOIN pg_catalog.pg_attribute a ON a.attrelid = o.relid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN sys_information_schema.type_map m ON m.engine_type = t.typname
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum;

CREATE OR REPLACE VIEW sys_information_schema.tables AS
SELECT catalog_name AS table_catalog, CAST('dbo' AS varchar(128)) AS table_schema, name AS table_name,
       CAST(CASE WHEN is_view THEN 'VIEW' ELSE 'BASE TABLE' END AS varchar(10)) AS table_type
FROM sys_information_schema.objects;

CREATE OR REPLACE VIEW sys_information_schema.columns AS
SELECT catalog_name AS table_catalog, CAST('dbo' AS varchar(128)) AS table_schema, table_name, column_name,
       ordinal_position, CAST(column_default AS varchar(4000)) AS column_default,
       CAST(CASE WHEN is_nullable THEN 'YES' ELSE 'NO' END AS varchar(3)) AS is_nullable,
       CAST(COALESCE(type_name, engine_type) AS varchar(128)) AS data_type,
       CAST(character_maximum_length AS int) AS character_maximum_length,
       CAST(CASE WHEN radix IS NOT NULL THEN numeric_precision END AS smallint) AS numeric_precision,
       CAST(radix AS smallint) AS numeric_precision_radix,
       CAST(numeric_scale AS int) AS numeric_scale
FROM sys_information_schema.object_columns;

CREATE OR REPLACE VIEW sys.objects AS
SELECT name, object_id, 1 AS schema_id, 0 AS parent_object_id,
       CAST(CASE WHEN is_view THEN 'V' ELSE 'U' END AS char(2)) AS type,
       CAST(CASE WHEN is_view THEN 'VIEW' ELSE 'USER_TABLE' END AS varchar(60)) AS type_desc,
       description
FROM sys_information_schema.objects;

CREATE OR REPLACE VIEW sys.tables AS SELECT * FROM sys.objects WHERE type = 'U';
CREATE OR REPLACE VIEW sys.views AS SELECT * FROM sys.objects WHERE type = 'V';

CREATE OR REPLACE VIEW sys.columns AS
SELECT object_id, column_name AS name, ordinal_position AS column_id,
       CAST(COALESCE(type_id, 0) AS smallint) AS system_type_id, COALESCE(type_id, 0) AS user_type_id,
       CAST(CASE WHEN character_maximum_length > 0 THEN character_maximum_length
                 ELSE COALESCE(type_max_length, -1) END AS smallint) AS max_length,
       CAST(COALESCE(numeric_precision, 0) AS smallint) AS precision,
       CAST(COALESCE(numeric_scale, 0) AS smallint) AS scale,
       is_nullable, description
FROM sys_information_schema.object_columns;

CREATE OR REPLACE VIEW sys.types AS
SELECT DISTINCT name, CAST(type_id AS smallint) AS system_type_id, type_id AS user_type_id,
       CAST(max_length AS smallint) AS max_length, CAST(type_precision AS smallint) AS precision
FROM sys_information_schema.type_map WHERE engine_type NOT IN ('citext', 'text', 'bytea');

-- OBJECT_ID('T'): a table or view of the current schema ('mydb.T', 'MyDB.dbo.T', '[MyDB].[T]': of
-- the caller's MyDB), NULL if there is none or the caller may not read it, as in SQL Server. Its
-- number is sys.objects' object_id. In dbo, so that it resolves unqualified (search_path).
CREATE OR REPLACE FUNCTION dbo.object_id(object_name text) RETURNS int
LANGUAGE sql STABLE AS $$
    SELECT CAST(c.oid AS int4) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relname = lower(btrim(regexp_replace(object_name, '^.*\.', ''), ' []"'))
      AND n.nspname = CASE WHEN object_name ~* '^\s*[\["]?mydb[\]"]?\s*\.'
              THEN (SELECT m.nspname FROM pg_catalog.pg_namespace m JOIN pg_catalog.pg_roles r ON r.oid = m.nspowner
                    WHERE r.rolname = current_user AND m.nspname LIKE 'mydb\_%' ORDER BY m.nspname LIMIT 1)
              ELSE current_schema() END
      AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND c.relname NOT LIKE '~%'
      AND has_table_privilege(c.oid, 'SELECT')
$$;
CREATE OR REPLACE FUNCTION sys.object_id(object_name text) RETURNS int
LANGUAGE sql STABLE AS $$ SELECT dbo.object_id(object_name) $$;
