-- The MyDB table a running job is about to create (it did not exist when the job checked), written
-- before the statement that creates it: start-up recovery drops that table when the job was left
-- started or canceling by a process that died, so a killed job leaves no table behind.
ALTER TABLE jobs ADD COLUMN creating_table VARCHAR(256);
