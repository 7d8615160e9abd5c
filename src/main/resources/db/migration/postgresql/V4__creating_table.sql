-- The MyDB table a running job is about to create, recorded before it creates it, so that
-- start-up recovery can drop what a dead process left half-written; as h2/V4.
ALTER TABLE jobs ADD COLUMN creating_table VARCHAR(256);
